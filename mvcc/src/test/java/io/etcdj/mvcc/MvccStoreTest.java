package io.etcdj.mvcc;

import static io.etcdj.mvcc.StoreFixtures.b;
import static io.etcdj.mvcc.StoreFixtures.delete;
import static io.etcdj.mvcc.StoreFixtures.get;
import static io.etcdj.mvcc.StoreFixtures.keys;
import static io.etcdj.mvcc.StoreFixtures.kv;
import static io.etcdj.mvcc.StoreFixtures.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MvccStoreTest {
    private final InMemoryBackend backend = InMemoryBackend.forStore();
    private MvccStore store = MvccStore.open(backend);

    @AfterEach
    void closeStore() {
        store.close();
        assertEquals(0, backend.openViews(), "every read view was closed");
    }

    private static void assertError(EtcdError expected, Executable action) {
        EtcdException e = assertThrows(EtcdException.class, action);
        assertSame(expected, e.error());
    }

    private void reopen() {
        store.close();
        store = MvccStore.open(backend);
    }

    private static void await(CompletableFuture<Void> future) throws Exception {
        // A guard against hangs only.
        future.get(60, TimeUnit.SECONDS);
    }

    @Test
    void anEmptyStoreIsAtRevisionOne() {
        assertEquals(1, store.currentRevision());
        assertEquals(-1, store.compactRevision());
        assertEquals(0, store.consistentIndex());
        RangeResult empty = store.range(b("a"), ByteString.EMPTY, 0, 0);
        assertEquals(List.of(), empty.kvs());
        assertEquals(0, empty.count());
        assertEquals(1, empty.revision());
    }

    @Test
    void putsKeepTheCreationRevisionAndCountVersions() {
        assertEquals(2, put(store, "foo", "v1", 0));
        assertEquals(3, put(store, "foo", "v2", 7));
        assertEquals(kv("foo", "v2", 2, 3, 2, 7), get(store, "foo", 0));
        assertEquals(kv("foo", "v1", 2, 2, 1, 0), get(store, "foo", 2));
        DeleteResult deleted = delete(store, "foo", null);
        assertEquals(1, deleted.deleted());
        assertEquals(4, deleted.revision());
        assertEquals(List.of(kv("foo", "v2", 2, 3, 2, 7)), deleted.prevKvs());
        assertNull(get(store, "foo", 0));
        assertEquals(5, put(store, "foo", "again", 0));
        assertEquals(kv("foo", "again", 5, 5, 1, 0), get(store, "foo", 0), "a deleted key starts over");
        assertEquals(kv("foo", "v2", 2, 3, 2, 7), get(store, "foo", 3));
        assertNull(get(store, "foo", 4));
    }

    @Test
    void oneTransactionIsOneRevisionWithSubRevisions() throws IOException {
        put(store, "a", "0");
        List<Event> events;
        try (WriteTxn txn = store.beginWrite()) {
            assertEquals(3, txn.put(b("b"), b("1"), 0));
            assertEquals(3, txn.put(b("c"), b("2"), 0));
            assertEquals(1, txn.deleteRange(b("a"), null, false).deleted());
            events = txn.end();
        }
        assertEquals(3, store.currentRevision());
        assertEquals(List.of(Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE),
                events.stream().map(Event::getType).toList());
        assertEquals(KeyValue.newBuilder().setKey(b("a")).setModRevision(3).build(), events.get(2).getKv());
        store.commit(1, 1);
        NavigableMap<byte[], byte[]> stored = backend.snapshot(MvccStore.KEY_BUCKET);
        List<byte[]> revisions = new ArrayList<>(stored.keySet());
        assertEquals(4, revisions.size());
        assertArrayEquals(new Revision(2, 0).toBytes(), revisions.get(0));
        assertArrayEquals(new Revision(3, 0).toBytes(), revisions.get(1));
        assertArrayEquals(new Revision(3, 1).toBytes(), revisions.get(2));
        assertArrayEquals(new Revision(3, 2).toTombstoneBytes(), revisions.get(3));
        assertArrayEquals(KeyValue.newBuilder().setKey(b("a")).build().toByteArray(), stored.get(revisions.get(3)),
                "a tombstone stores only the key, as etcd");
    }

    @Test
    void aWriteTransactionSeesItsOwnWritesAndOthersDoNot() {
        put(store, "a", "old");
        try (WriteTxn txn = store.beginWrite()) {
            assertEquals(2, txn.range(b("a"), null, 0, 0).revision(), "before any change: the start revision");
            assertError(EtcdError.FUTURE_REV, () -> txn.range(b("a"), null, 3, 0));
            txn.put(b("a"), b("new"), 0);
            txn.put(b("b"), b("x"), 0);
            RangeResult own = txn.range(b("a"), ByteString.EMPTY, 0, 0);
            assertEquals(List.of(kv("a", "new", 2, 3, 2, 0), kv("b", "x", 3, 3, 1, 0)), own.kvs());
            assertEquals(3, own.revision());
            assertEquals(kv("a", "old", 2, 2, 1, 0), txn.range(b("a"), null, 2, 0).kvs().get(0));
            assertEquals(1, txn.deleteRange(b("b"), null, false).deleted(), "a delete sees the txn's own put");
            assertEquals(kv("a", "old", 2, 2, 1, 0), get(store, "a", 0), "other readers see the old state");
            assertEquals(2, store.currentRevision());
            txn.end();
        }
        assertEquals(kv("a", "new", 2, 3, 2, 0), get(store, "a", 0));
        assertNull(get(store, "b", 0));
    }

    @Test
    void aTransactionThatChangesNothingKeepsTheRevision() {
        put(store, "a", "1");
        try (WriteTxn txn = store.beginWrite()) {
            DeleteResult nothing = txn.deleteRange(b("zz"), null, true);
            assertEquals(0, nothing.deleted());
            assertEquals(2, nothing.revision());
            assertFalse(txn.hasChanges());
            assertEquals(List.of(), txn.end());
        }
        assertEquals(2, store.currentRevision());
        assertEquals(3, put(store, "a", "2"));
    }

    @Test
    void abortUndoesEverything() throws IOException {
        put(store, "a", "1");
        put(store, "b", "1");
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("a"), b("2"), 0);
            txn.put(b("c"), b("new"), 0);
            txn.deleteRange(b("b"), null, false);
            txn.abort();
            assertThrows(IllegalStateException.class, () -> txn.put(b("x"), b("y"), 0));
        }
        assertEquals(3, store.currentRevision());
        assertEquals(List.of(kv("a", "1", 2, 2, 1, 0), kv("b", "1", 3, 3, 1, 0)), store.range(b("a"), ByteString.EMPTY, 0, 0).kvs());
        assertEquals(4, put(store, "a", "3"), "the aborted revision is reused");
        assertEquals(kv("a", "3", 2, 4, 2, 0), get(store, "a", 0));
        store.commit(5, 1);
        assertEquals(3, backend.snapshot(MvccStore.KEY_BUCKET).size(), "nothing of the aborted txn reached the backend");
        reopen();
        assertEquals(List.of(kv("a", "3", 2, 4, 2, 0), kv("b", "1", 3, 3, 1, 0)), store.range(b("a"), ByteString.EMPTY, 0, 0).kvs());
    }

    @Test
    void closingAnUnendedTransactionAbortsIt() {
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("a"), b("1"), 0);
        }
        assertEquals(1, store.currentRevision());
        assertNull(get(store, "a", 0));
    }

    @Test
    void onlyOneWriteTransactionAtATime() {
        try (WriteTxn txn = store.beginWrite()) {
            assertThrows(IllegalStateException.class, store::beginWrite);
            assertThrows(IllegalStateException.class, () -> store.commit(1, 1));
            txn.end();
        }
        store.beginWrite().end();
    }

    @Test
    void rangesHonorEndLimitAndCount() {
        for (String key : List.of("a", "b", "c", "d")) {
            put(store, key, key);
        }
        RangeResult limited = store.range(b("a"), b("d"), 0, 2);
        assertEquals(List.of("a", "b"), keys(limited));
        assertEquals(3, limited.count());
        assertEquals(List.of("b", "c", "d"), keys(store.range(b("b"), ByteString.EMPTY, 0, 0)));
        assertEquals(List.of("a", "b", "c", "d"), keys(store.range(b("\0"), ByteString.EMPTY, 0, 10)));
        RangeResult counted = store.count(b("a"), ByteString.EMPTY, 3);
        assertEquals(List.of(), counted.kvs());
        assertEquals(2, counted.count());
        assertEquals(5, counted.revision(), "the store revision is reported, not the one read at");
    }

    @Test
    void futureAndCompactedRevisionsAreRefused() throws Exception {
        for (int i = 0; i < 5; i++) {
            put(store, "k", "v" + i);
        }
        assertError(EtcdError.FUTURE_REV, () -> store.range(b("k"), null, 7, 0));
        assertError(EtcdError.FUTURE_REV, () -> store.compact(7));
        store.compact(4);
        assertEquals(4, store.compactRevision());
        assertError(EtcdError.COMPACTED, () -> store.range(b("k"), null, 3, 0));
        assertEquals(kv("k", "v2", 2, 4, 3, 0), get(store, "k", 4), "the compaction revision stays readable");
        assertError(EtcdError.COMPACTED, () -> store.compact(4));
        assertError(EtcdError.COMPACTED, () -> store.compact(2));
        store.commit(1, 1);
        await(store.compactionDone());
        assertEquals(kv("k", "v2", 2, 4, 3, 0), get(store, "k", 4));
        assertEquals(kv("k", "v4", 2, 6, 5, 0), get(store, "k", 0));
    }

    @Test
    void uncommittedWritesAreReadableAndCommitStoresThemWithTheAppliedIndex() throws IOException {
        put(store, "a", "1");
        assertTrue(backend.snapshot(MvccStore.KEY_BUCKET).isEmpty(), "nothing committed yet");
        assertEquals(kv("a", "1", 2, 2, 1, 0), get(store, "a", 0));
        store.commit(42, 3);
        assertEquals(1, backend.snapshot(MvccStore.KEY_BUCKET).size());
        NavigableMap<byte[], byte[]> meta = backend.snapshot(MvccStore.META_BUCKET);
        assertArrayEquals(MetaKeys.encodeLong(42), meta.get(MetaKeys.CONSISTENT_INDEX));
        assertArrayEquals(MetaKeys.encodeLong(3), meta.get(MetaKeys.TERM));
        assertEquals(42, store.consistentIndex());
        assertEquals(3, store.consistentTerm());
        assertEquals(kv("a", "1", 2, 2, 1, 0), get(store, "a", 0));
    }

    @Test
    void aCommitAddsOtherSubsystemsWritesToTheSameBatch() throws IOException {
        InMemoryBackend shared = new InMemoryBackend(List.of(MvccStore.KEY_BUCKET, MvccStore.META_BUCKET, "lease"));
        try (MvccStore withLeases = MvccStore.open(shared)) {
            put(withLeases, "a", "1");
            int before = shared.commits();
            withLeases.commit(7, 1, batch -> batch.put("lease", new byte[] {1}, new byte[] {2}));
            assertEquals(before + 1, shared.commits(), "one commit");
            assertArrayEquals(new byte[] {2}, shared.snapshot("lease").get(new byte[] {1}));
            assertEquals(1, shared.snapshot(MvccStore.KEY_BUCKET).size());
        }
    }

    @Test
    void aReaderOpenedBeforeACommitStillFindsTheData() throws IOException {
        put(store, "a", "1");
        try (ReadTxn reader = store.beginRead()) {
            store.commit(1, 1);
            put(store, "a", "2");
            store.commit(2, 1);
            assertEquals(kv("a", "1", 2, 2, 1, 0), reader.range(b("a"), null, 0, 0).kvs().get(0));
            assertEquals(2, reader.revision());
        }
        assertEquals(kv("a", "2", 2, 3, 2, 0), get(store, "a", 0));
    }

    @Test
    void aReadTransactionSeesOneRevision() {
        put(store, "a", "1");
        try (ReadTxn reader = store.beginRead()) {
            put(store, "b", "1");
            delete(store, "a", null);
            assertEquals(List.of("a"), keys(reader.range(b("a"), ByteString.EMPTY, 0, 0)));
            assertError(EtcdError.FUTURE_REV, () -> reader.range(b("a"), null, 3, 0));
        }
        assertEquals(List.of("b"), keys(store.range(b("a"), ByteString.EMPTY, 0, 0)));
    }

    @Test
    void compactionWaitsForTheNextCommitThenDeletesObsoleteRevisionsInBatches() throws Exception {
        store.close();
        store = MvccStore.open(backend, MvccOptions.defaults().withCompactionBatchLimit(2));
        put(store, "a", "1");         // 2
        put(store, "a", "2");         // 3
        put(store, "b", "1");         // 4
        delete(store, "b", null);     // 5
        put(store, "c", "1");         // 6
        put(store, "a", "3");         // 7
        store.commit(1, 1);
        int commitsBefore = backend.commits();
        CompletableFuture<Void> done = store.compact(5);
        assertFalse(done.isDone(), "nothing runs before the scheduled revision is committed");
        assertEquals(commitsBefore, backend.commits());
        store.commit(2, 1);
        await(done);
        NavigableMap<byte[], byte[]> meta = backend.snapshot(MvccStore.META_BUCKET);
        assertArrayEquals(new Revision(5, 0).toBytes(), meta.get(MetaKeys.SCHEDULED_COMPACT));
        assertArrayEquals(new Revision(5, 0).toBytes(), meta.get(MetaKeys.FINISHED_COMPACT));
        List<Revision> left = backend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList();
        assertEquals(List.of(new Revision(3, 0), new Revision(5, 0), new Revision(6, 0), new Revision(7, 0)), left,
                "a@3 is a's latest at 5; b's deletion at 5 stays for watchers starting at 5; c and a@7 are later");
        assertEquals(commitsBefore + 1 + 3, backend.commits(), "the commit, then 4 revisions deleted two at a time and a last empty batch");
        assertEquals(List.of(kv("a", "2", 2, 3, 2, 0)), store.range(b("a"), ByteString.EMPTY, 5, 0).kvs());
        assertEquals(List.of(kv("a", "3", 2, 7, 3, 0), kv("c", "1", 6, 6, 1, 0)), store.range(b("a"), ByteString.EMPTY, 0, 0).kvs());
    }

    @Test
    void restartRestoresRevisionsHistoryAndAppliedIndex() throws IOException {
        put(store, "a", "1", 5);
        put(store, "b", "1");
        put(store, "a", "2", 5);
        delete(store, "b", null);
        put(store, "b", "again");
        store.commit(9, 2);
        put(store, "lost", "not committed");
        Map<Long, List<KeyValue>> before = new HashMap<>();
        for (long rev = 1; rev <= 6; rev++) {
            before.put(rev, store.range(b("a"), ByteString.EMPTY, rev, 0).kvs());
        }
        reopen();
        assertEquals(6, store.currentRevision(), "the uncommitted revision 7 is gone (the WAL replays it)");
        assertEquals(9, store.consistentIndex());
        assertEquals(2, store.consistentTerm());
        for (long rev = 1; rev <= 6; rev++) {
            assertEquals(before.get(rev), store.range(b("a"), ByteString.EMPTY, rev, 0).kvs(), "at " + rev);
        }
        assertEquals(7, put(store, "b", "more"));
        assertEquals(kv("b", "more", 6, 7, 2, 0), get(store, "b", 0));
    }

    @Test
    void restartAfterCompactingEverythingKeepsTheRevision() throws Exception {
        put(store, "a", "1");
        delete(store, "a", null);
        store.commit(1, 1);
        store.compact(3);
        store.commit(2, 1);
        await(store.compactionDone());
        assertEquals(List.of(new Revision(3, 0)),
                backend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList(),
                "only the deletion at the compaction revision is left, for watchers");
        // An empty key bucket, as etcd's compaction leaves it.
        try (var batch = backend.newBatch()) {
            batch.delete(MvccStore.KEY_BUCKET, new Revision(3, 0).toTombstoneBytes());
            backend.commit(batch);
        }
        reopen();
        assertEquals(3, store.currentRevision());
        assertEquals(3, store.compactRevision());
        assertEquals(4, put(store, "a", "2"));
    }

    @Test
    void anInterruptedCompactionResumesOnOpen() throws Exception {
        store.close();
        store = MvccStore.open(backend, MvccOptions.defaults().withCompactionBatchLimit(2));
        for (int i = 0; i < 10; i++) {
            put(store, "k" + (i % 3), "v" + i);
        }
        store.commit(1, 1);
        // Let the first deleting batch through, then fail the rest: a crash in the middle.
        int[] deletingBatches = {0};
        backend.failCommitsUnless(ops -> ops.stream().noneMatch(op -> op.value() == null) || deletingBatches[0]++ < 1);
        CompletableFuture<Void> done = store.compact(9);
        store.commit(2, 1);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> await(done));
        assertTrue(failed.getCause() instanceof IOException, failed.toString());
        assertNull(backend.snapshot(MvccStore.META_BUCKET).get(MetaKeys.FINISHED_COMPACT));
        int leftBefore = backend.snapshot(MvccStore.KEY_BUCKET).size();
        assertTrue(leftBefore < 10, "the first batch deleted something");

        backend.failCommitsUnless(ops -> true);
        reopen();
        assertEquals(9, store.compactRevision(), "the scheduled compaction is in force at once");
        await(store.compactionDone());
        assertArrayEquals(new Revision(9, 0).toBytes(), backend.snapshot(MvccStore.META_BUCKET).get(MetaKeys.FINISHED_COMPACT));
        List<Revision> left = backend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList();
        // Revisions 2..11 put k0,k1,k2,k0,...: the latest of each at or below 9 are 7 (k2), 8 (k0), 9 (k1).
        assertEquals(List.of(new Revision(7, 0), new Revision(8, 0), new Revision(9, 0), new Revision(10, 0), new Revision(11, 0)), left);
        assertEquals(List.of("k0", "k1", "k2"), keys(store.range(b("k"), b("l"), 9, 0)));
    }

    @Test
    void leaseAttachmentsLearnWritesOnEndAndLiveLeasesOnOpen() throws IOException {
        List<String> told = new ArrayList<>();
        LeaseAttachments recorder = new LeaseAttachments() {
            @Override
            public void keyWritten(ByteString key, long leaseId) {
                told.add(key.toStringUtf8() + "=" + leaseId);
            }

            @Override
            public void keyDeleted(ByteString key) {
                told.add(key.toStringUtf8() + " deleted");
            }
        };
        store.close();
        store = MvccStore.open(backend, MvccOptions.defaults().withLeaseAttachments(recorder));
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("a"), b("1"), 10);
            txn.put(b("b"), b("1"), 0);
            assertEquals(List.of(), told, "nothing before the transaction ends");
            txn.end();
        }
        assertEquals(List.of("a=10", "b=0"), told);
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("c"), b("1"), 11);
            txn.abort();
        }
        assertEquals(2, told.size(), "an aborted transaction tells nothing");
        put(store, "c", "1", 12);
        put(store, "d", "1", 13);
        delete(store, "a", null);
        put(store, "d", "2", 0);
        assertEquals(List.of("a=10", "b=0", "c=12", "d=13", "a deleted", "d=0"), told);
        store.commit(1, 1);
        told.clear();
        store.close();
        store = MvccStore.open(backend, MvccOptions.defaults().withLeaseAttachments(recorder));
        assertEquals(List.of("c=12"), told, "only live keys with a lease");
    }

    @Test
    void hashKvIgnoresCommitStateAndCompactionProgress() throws Exception {
        InMemoryBackend otherBackend = InMemoryBackend.forStore();
        try (MvccStore other = MvccStore.open(otherBackend)) {
            for (int i = 0; i < 20; i++) {
                put(store, "k" + (i % 4), "v" + i);
                put(other, "k" + (i % 4), "v" + i);
                store.commit(i + 1, 1); // `other` never commits: everything stays pending
            }
            delete(store, "k1", null);
            delete(other, "k1", null);
            assertEquals(store.hashKV(0), other.hashKV(0));
            HashKV at15 = store.hashKV(15);
            assertEquals(new HashKV(at15.hash(), 22, -1), at15);
            assertNotEquals(at15.hash(), store.hashKV(16).hash());

            store.compact(10);
            other.compact(10);
            HashKV scheduled = store.hashKV(15);
            assertEquals(scheduled, other.hashKV(15));
            store.commit(100, 1);
            await(store.compactionDone());
            assertEquals(scheduled, store.hashKV(15), "physical compaction does not change the hash");
            assertError(EtcdError.COMPACTED, () -> store.hashKV(10));
            assertError(EtcdError.FUTURE_REV, () -> store.hashKV(23));
            assertEquals(store.hashKV(22), store.hashKV(0));
        }
    }

    @Test
    void aClosedStoreRefusesUseAndFailsWaitingCompactions() {
        put(store, "a", "1");
        CompletableFuture<Void> done = store.compact(2);
        store.close();
        assertTrue(done.isCompletedExceptionally());
        assertThrows(IllegalStateException.class, store::beginRead);
        assertThrows(IllegalStateException.class, store::beginWrite);
    }
}
