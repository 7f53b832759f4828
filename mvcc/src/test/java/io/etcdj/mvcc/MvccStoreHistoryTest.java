package io.etcdj.mvcc;

import static io.etcdj.mvcc.StoreFixtures.b;
import static io.etcdj.mvcc.StoreFixtures.delete;
import static io.etcdj.mvcc.StoreFixtures.kv;
import static io.etcdj.mvcc.StoreFixtures.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** History reads (the watchers' catch-up source), previous versions, and the commit listener. */
class MvccStoreHistoryTest {
    private final InMemoryBackend backend = InMemoryBackend.forStore();
    private final MvccStore store = MvccStore.open(backend);
    private long appliedIndex;

    @AfterEach
    void closeStore() {
        store.close();
        assertEquals(0, backend.openViews(), "every read view was closed");
    }

    private void commit() throws IOException {
        store.commit(++appliedIndex, 1);
    }

    private static Event putEvent(KeyValue kv) {
        return Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build();
    }

    private static Event deleteEvent(String key, long revision) {
        return Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(b(key)).setModRevision(revision)).build();
    }

    private static void assertError(EtcdError expected, Executable action) {
        EtcdException e = assertThrows(EtcdException.class, action);
        assertSame(expected, e.error());
    }

    @Test
    void historyHoldsEveryChangeInRevisionOrderAsTheWriterReportedIt() throws IOException {
        List<Event> written = new ArrayList<>();
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("a"), b("1"), 0);
            txn.put(b("b"), b("1"), 5);
            written.addAll(txn.end());
        }
        commit();
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("a"), b("2"), 0);
            txn.deleteRange(b("b"), null, false);
            written.addAll(txn.end());
        }
        commit();
        try (WriteTxn txn = store.beginWrite()) {
            txn.deleteRange(b("a"), ByteString.EMPTY, false);
            written.addAll(txn.end());
        }
        // Revision 4 is not committed yet: readers see it, so history does too.
        assertEquals(written, store.history(1, 4));
        assertEquals(List.of(
                putEvent(kv("a", "1", 2, 2, 1, 0)), putEvent(kv("b", "1", 2, 2, 1, 5)),
                putEvent(kv("a", "2", 2, 3, 2, 0)), deleteEvent("b", 3), deleteEvent("a", 4)), written);
        assertEquals(written.subList(2, 4), store.history(3, 3));
        assertEquals(List.of(), store.history(4, 3), "an empty interval");
        assertEquals(written, store.history(-7, 4), "nothing is below revision 1");
        commit();
        assertEquals(written, store.history(1, 4), "the same once committed");
    }

    @Test
    void historyFiltersByKeyAndRefusesFutureAndCompactedRevisions() throws Exception {
        put(store, "a", "1");
        put(store, "b", "1");
        put(store, "a", "2");
        delete(store, "a", null);
        commit();
        try (ReadTxn txn = store.beginRead()) {
            assertEquals(List.of(putEvent(kv("a", "1", 2, 2, 1, 0)), putEvent(kv("a", "2", 2, 4, 2, 0)), deleteEvent("a", 5)),
                    txn.history(1, 5, b("a")::equals));
            assertError(EtcdError.FUTURE_REV, () -> txn.history(1, 6, k -> true));
        }
        store.compact(4);
        commit();
        store.compactionDone().get(30, TimeUnit.SECONDS);
        assertError(EtcdError.COMPACTED, () -> store.history(3, 5));
        assertEquals(List.of(putEvent(kv("a", "2", 2, 4, 2, 0)), deleteEvent("a", 5)), store.history(4, 5),
                "from the compaction revision itself, as etcd's watchers may");
    }

    @Test
    void aDeletionAtTheCompactionRevisionStaysInHistoryUntilTheNextCompaction() throws Exception {
        put(store, "a", "1");
        put(store, "b", "1");
        delete(store, "a", null);
        put(store, "b", "2");
        commit();
        store.compact(4);
        commit();
        store.compactionDone().get(30, TimeUnit.SECONDS);
        assertEquals(List.of(deleteEvent("a", 4), putEvent(kv("b", "2", 3, 5, 2, 0))), store.history(4, 5),
                "etcd's compaction deletes a's tombstone; a watcher starting at 4 must still see it");
        assertEquals(List.of(), store.range(b("a"), null, 4, 0).kvs());
        int withTombstone = store.hashKV(5).hash();
        try (WriteBatch batch = backend.newBatch()) {
            batch.delete(MvccStore.KEY_BUCKET, new Revision(4, 0).toTombstoneBytes());
            backend.commit(batch);
        }
        assertEquals(withTombstone, store.hashKV(5).hash(), "the kept tombstone is not hashed: etcd's layout hashes the same");
        put(store, "c", "1");
        commit();
        store.compact(5);
        commit();
        store.compactionDone().get(30, TimeUnit.SECONDS);
        assertEquals(List.of(new Revision(5, 0), new Revision(6, 0)),
                backend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList(),
                "the next compaction deletes it");
    }

    @Test
    void aReadTransactionKeepsItsHistoryWhileACompactionDeletesIt() throws Exception {
        for (int i = 0; i < 10; i++) {
            put(store, "k", "v" + i);
        }
        commit();
        try (ReadTxn txn = store.beginRead()) {
            store.compact(9);
            commit();
            store.compactionDone().get(30, TimeUnit.SECONDS);
            assertEquals(10, txn.history(2, 11, k -> true).size(), "the view predates the compaction");
        }
        assertError(EtcdError.COMPACTED, () -> store.history(2, 11));
    }

    @Test
    void previousVersionIsTheKeyJustBeforeARevision() throws Exception {
        put(store, "a", "1");
        put(store, "a", "2");
        delete(store, "a", null);
        put(store, "a", "3");
        commit();
        try (ReadTxn txn = store.beginRead()) {
            assertNull(txn.previousVersion(b("a"), 2), "created at 2");
            assertEquals(kv("a", "1", 2, 2, 1, 0), txn.previousVersion(b("a"), 3));
            assertEquals(kv("a", "2", 2, 3, 2, 0), txn.previousVersion(b("a"), 4), "what a deletion removed");
            assertNull(txn.previousVersion(b("a"), 5), "re-created after a deletion");
            assertNull(txn.previousVersion(b("a"), 1));
        }
        store.compact(4);
        commit();
        try (ReadTxn txn = store.beginRead()) {
            assertError(EtcdError.COMPACTED, () -> txn.previousVersion(b("a"), 4));
            assertNull(txn.previousVersion(b("a"), 5));
        }
    }

    @Test
    void theCommitListenerHearsOfEachRevisionOnceInOrderAfterItsCommit() throws IOException {
        RecordingListener listener = new RecordingListener();
        List<RevisionEvents> heard = listener.committed;
        put(store, "before", "x");
        assertEquals(1, store.setCommitListener(listener), "revision 2 is not committed yet");
        put(store, "a", "1");
        try (WriteTxn txn = store.beginWrite()) {
            txn.put(b("aborted"), b("x"), 0);
        }
        try (WriteTxn txn = store.beginWrite()) {
            assertEquals(0, txn.deleteRange(b("nothing"), null, false).deleted());
            txn.end();
        }
        assertTrue(heard.isEmpty(), "nothing before the commit");
        commit();
        assertEquals(List.of(
                new RevisionEvents(2, List.of(putEvent(kv("before", "x", 2, 2, 1, 0)))),
                new RevisionEvents(3, List.of(putEvent(kv("a", "1", 3, 3, 1, 0))))), heard);
        assertEquals(3, store.committedRevision());
        commit();
        assertEquals(2, heard.size(), "an empty commit tells nothing");
        delete(store, "a", null);
        backend.failCommitsUnless(ops -> false);
        assertThrows(IOException.class, this::commit);
        assertEquals(2, heard.size(), "a failed commit tells nothing");
        assertEquals(3, store.committedRevision());
        backend.failCommitsUnless(ops -> true);
        commit();
        assertEquals(new RevisionEvents(4, List.of(deleteEvent("a", 4))), heard.get(2));
        assertEquals(4, store.setCommitListener(null));
        put(store, "b", "1");
        commit();
        assertEquals(3, heard.size(), "a removed listener hears nothing");
    }
}
