package io.etcdj.mvcc;

import static io.etcdj.mvcc.StoreFixtures.b;
import static io.etcdj.mvcc.StoreFixtures.delete;
import static io.etcdj.mvcc.StoreFixtures.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MvccStore#beginRestore}/{@link MvccStore#finishRestore}: a follower ("B") whose backend
 * is replaced in place by the leader's ("A") ends up exactly as a store opened on the leader's
 * data, whatever it held or was doing before.
 */
class MvccStoreRestoreTest {
    /** Every key: from {@code "\0"} to the end. */
    private static final ByteString FIRST_KEY = ByteString.copyFrom(new byte[] {0});

    private final InMemoryBackend leaderBackend = InMemoryBackend.forStore();
    private final InMemoryBackend followerBackend = InMemoryBackend.forStore();
    private final LeaseRecorder followerLeases = new LeaseRecorder();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MvccStore leader;
    private MvccStore follower;

    @AfterEach
    void closeStores() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        assertEquals(0, leaderBackend.openViews(), "every read view of the leader was closed");
        assertEquals(0, followerBackend.openViews(), "every read view of the follower was closed");
    }

    /** Remembers each key's lease as told, like the lessor's key map. */
    private static final class LeaseRecorder implements LeaseAttachments {
        final Map<ByteString, Long> leases = new HashMap<>();

        @Override
        public void keyWritten(ByteString key, long leaseId) {
            if (leaseId == 0) {
                leases.remove(key);
            } else {
                leases.put(key, leaseId);
            }
        }

        @Override
        public void keyDeleted(ByteString key) {
            leases.remove(key);
        }
    }

    private MvccStore open(InMemoryBackend backend, MvccOptions options) {
        MvccStore store = MvccStore.open(backend, options);
        toClose.add(store);
        return store;
    }

    private static void await(CompletableFuture<Void> future) throws Exception {
        future.get(60, TimeUnit.SECONDS);  // a guard against hangs only
    }

    /** The leader: puts, deletes, a multi-op transaction, leases, a finished compaction, more writes. */
    private void leaderWithHistory() throws Exception {
        leader = open(leaderBackend, MvccOptions.defaults());
        for (int i = 0; i < 12; i++) {
            put(leader, "k" + (i % 5), "a" + i);
        }
        put(leader, "l1", "x", 7);
        put(leader, "l2", "y", 8);
        try (WriteTxn txn = leader.beginWrite()) {
            txn.put(b("t1"), b("1"), 0);
            txn.deleteRange(b("k1"), null, false);
            txn.put(b("t2"), b("2"), 8);
            txn.end();
        }
        delete(leader, "k3", "k5");
        leader.commit(40, 2);
        CompletableFuture<Void> compaction = leader.compact(15);
        leader.commit(41, 2);
        await(compaction);
        put(leader, "k0", "after");
        put(leader, "l1", "x2", 0);  // leaves lease 7
        delete(leader, "k2", null);
        put(leader, "k9", "new", 9);
        leader.commit(57, 3);
    }

    /** The follower: older, different data, its own compaction and leases, a commit listener. */
    private RecordingListener followerWithOlderData(MvccOptions options) throws Exception {
        follower = open(followerBackend, options.withLeaseAttachments(followerLeases));
        for (int i = 0; i < 6; i++) {
            put(follower, "k" + (i % 2), "b" + i, i == 5 ? 3 : 0);
        }
        put(follower, "only-on-b", "z", 4);
        follower.commit(9, 1);
        CompletableFuture<Void> compaction = follower.compact(4);
        follower.commit(10, 1);
        await(compaction);
        RecordingListener listener = new RecordingListener();
        follower.setCommitListener(listener);
        return listener;
    }

    private void restoreFollower(int batchSize) throws IOException {
        follower.beginRestore();
        followerBackend.replaceWith(leaderBackend, batchSize);
        follower.finishRestore();
    }

    private static List<KeyValue> all(MvccStore store, long revision) {
        return store.range(FIRST_KEY, ByteString.EMPTY, revision, 0).kvs();
    }

    /** Equal revisions, applied index, every readable revision's key space, history and hashes. */
    private static void assertSameKeySpace(MvccStore expected, MvccStore actual) {
        assertEquals(expected.currentRevision(), actual.currentRevision(), "current revision");
        assertEquals(expected.committedRevision(), actual.committedRevision(), "committed revision");
        assertEquals(expected.compactRevision(), actual.compactRevision(), "compact revision");
        assertEquals(expected.consistentIndex(), actual.consistentIndex(), "consistent index");
        assertEquals(expected.consistentTerm(), actual.consistentTerm(), "consistent term");
        long first = Math.max(1, expected.compactRevision());
        for (long rev = first; rev <= expected.currentRevision(); rev++) {
            assertEquals(all(expected, rev), all(actual, rev), "the key space at revision " + rev);
        }
        assertEquals(expected.history(first, expected.currentRevision()), actual.history(first, actual.currentRevision()));
        assertEquals(expected.hashKV(0), actual.hashKV(0));
        assertEquals(expected.hashKV(first + 1), actual.hashKV(first + 1));
        if (expected.compactRevision() > 1) {
            long below = expected.compactRevision() - 1;
            EtcdException e = assertThrows(EtcdException.class, () -> all(actual, below));
            assertSame(EtcdError.COMPACTED, e.error());
        }
    }

    @Test
    void restoreRebuildsEverythingAsOpenWouldFromTheNewContents() throws Exception {
        leaderWithHistory();
        RecordingListener listener = followerWithOlderData(MvccOptions.defaults());
        followerLeases.leases.clear();  // the lessor's restore drops every attachment first

        restoreFollower(3);

        assertSameKeySpace(leader, follower);
        assertEquals(List.of(b("k0"), b("k9"), b("l1"), b("l2"), b("t1"), b("t2")),
                all(follower, 0).stream().map(KeyValue::getKey).toList());
        LeaseRecorder fromOpen = new LeaseRecorder();
        MvccStore reopened = open(followerBackend, MvccOptions.defaults().withLeaseAttachments(fromOpen));
        assertSameKeySpace(reopened, follower);
        assertEquals(Map.of(b("l2"), 8L, b("t2"), 8L, b("k9"), 9L), fromOpen.leases);
        assertEquals(fromOpen.leases, followerLeases.leases, "the live keys' leases, as open reports them");
        assertEquals(List.of(leader.currentRevision()), listener.restored);
        assertEquals(List.of(), listener.committed);
    }

    @Test
    void writesAfterARestoreContinueFromTheRestoredRevision() throws Exception {
        leaderWithHistory();
        RecordingListener listener = followerWithOlderData(MvccOptions.defaults());
        restoreFollower(5);
        long restored = leader.currentRevision();

        assertEquals(restored + 1, put(follower, "k0", "later"));
        KeyValue later = StoreFixtures.get(follower, "k0", 0);
        assertEquals(leader.range(b("k0"), null, 0, 0).kvs().get(0).getCreateRevision(), later.getCreateRevision(),
                "the key's history is the leader's");
        follower.commit(58, 3);
        assertEquals(List.of(new RevisionEvents(restored + 1, follower.history(restored + 1, restored + 1))),
                listener.committed);
        CompletableFuture<Void> compaction = follower.compact(restored);
        follower.commit(59, 3);
        await(compaction);
        assertEquals(restored, follower.compactRevision());

        MvccStore reopened = open(followerBackend, MvccOptions.defaults());
        assertSameKeySpace(follower, reopened);
    }

    @Test
    void anUnfinishedCompactionInTheNewContentsIsResumed() throws Exception {
        leader = open(leaderBackend, MvccOptions.defaults().withCompactionBatchLimit(2));
        for (int i = 0; i < 10; i++) {
            put(leader, "k" + (i % 3), "v" + i);
        }
        leader.commit(1, 1);
        // The leader's compaction stops after its first deleting batch: its backend records the
        // compaction as scheduled, not finished, as after a crash.
        int[] deletingBatches = {0};
        leaderBackend.failCommitsUnless(ops -> ops.stream().noneMatch(op -> op.value() == null) || deletingBatches[0]++ < 1);
        CompletableFuture<Void> interrupted = leader.compact(9);
        leader.commit(2, 1);
        assertThrows(ExecutionException.class, () -> await(interrupted));
        assertEquals(null, leaderBackend.snapshot(MvccStore.META_BUCKET).get(MetaKeys.FINISHED_COMPACT));
        followerWithOlderData(MvccOptions.defaults().withCompactionBatchLimit(2));

        restoreFollower(4);

        assertEquals(9, follower.compactRevision(), "the scheduled compaction is in force at once");
        await(follower.compactionDone());
        NavigableMap<byte[], byte[]> meta = followerBackend.snapshot(MvccStore.META_BUCKET);
        assertEquals(new Revision(9, 0), Revision.fromBytes(meta.get(MetaKeys.FINISHED_COMPACT)));
        List<Revision> left = followerBackend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList();
        assertEquals(List.of(new Revision(7, 0), new Revision(8, 0), new Revision(9, 0), new Revision(10, 0),
                new Revision(11, 0)), left);
        assertEquals(11, follower.currentRevision());
    }

    @Test
    void aRunningCompactionOfTheOldContentsStopsBeforeTheReplacement() throws Exception {
        leaderWithHistory();
        follower = open(followerBackend, MvccOptions.defaults().withCompactionBatchLimit(1));
        for (int i = 0; i < 3000; i++) {
            put(follower, "k" + (i % 3), "v" + i);
        }
        follower.commit(1, 1);
        CompletableFuture<Void> compaction = follower.compact(3001);
        follower.commit(2, 1);  // starts deleting 3000 revisions, one per batch

        follower.beginRestore();
        assertTrue(compaction.isDone(), "beginRestore waits for the compactor to stop");
        int commits = followerBackend.commits();
        followerBackend.replaceWith(leaderBackend, 7);
        follower.finishRestore();

        assertTrue(followerBackend.commits() > commits);
        assertEquals(List.copyOf(leaderBackend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList()),
                followerBackend.snapshot(MvccStore.KEY_BUCKET).keySet().stream().map(Revision::fromBytes).toList(),
                "the old compaction deleted nothing of the new contents");
        assertEquals(leaderBackend.snapshot(MvccStore.META_BUCKET).keySet().size(),
                followerBackend.snapshot(MvccStore.META_BUCKET).keySet().size());
        assertTrue(follower.compactionDone().isDone(), "nothing to resume");
        assertSameKeySpace(leader, follower);
    }

    @Test
    void readsSeeTheOldOrTheNewStateNeverAMix() throws Exception {
        leaderWithHistory();
        followerWithOlderData(MvccOptions.defaults());
        List<KeyValue> oldState = all(follower, 0);
        long oldRevision = follower.currentRevision();
        ReadTxn openBefore = follower.beginRead();

        follower.beginRestore();
        followerBackend.replaceWith(leaderBackend, 2);
        AtomicReference<Object> blockedRead = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                blockedRead.set(all(follower, 0));
            } catch (RuntimeException e) {
                blockedRead.set(e);
            }
        });
        reader.start();
        awaitState(reader);
        assertEquals(Thread.State.WAITING, reader.getState(), "a read waits while the restore is under way");
        assertEquals(null, blockedRead.get());
        follower.finishRestore();
        reader.join(TimeUnit.SECONDS.toMillis(60));

        assertEquals(all(leader, 0), blockedRead.get(), "the waiting read sees the new state");
        assertEquals(oldRevision, openBefore.revision());
        assertEquals(oldState, openBefore.range(FIRST_KEY, ByteString.EMPTY, 0, 0).kvs(),
                "a read transaction begun before sees the old state throughout");
        assertEquals(oldState.size(), openBefore.count(FIRST_KEY, ByteString.EMPTY, 0).count());
        openBefore.close();
    }

    /** Waits until {@code thread} is parked or finished (a guard against hangs only). */
    private static void awaitState(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TERMINATED) {
            if (System.nanoTime() - deadline > 0) {
                fail("the reader neither waited nor finished");
            }
            Thread.sleep(1);
        }
    }

    @Test
    void concurrentReadersNeverSeeAMixWhileRestoresComeAndGo() throws Exception {
        leaderWithHistory();
        followerWithOlderData(MvccOptions.defaults());
        InMemoryBackend oldContents = InMemoryBackend.forStore();
        oldContents.replaceWith(followerBackend, 1000);
        List<KeyValue> oldState = all(follower, 0);
        List<KeyValue> newState = all(leader, 0);
        HashKV oldHash = follower.hashKV(0);
        HashKV newHash = leader.hashKV(0);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            boolean hashing = r == 0;
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (hashing) {
                            HashKV hash = follower.hashKV(0);
                            if (!hash.equals(oldHash) && !hash.equals(newHash)) {
                                problems.add("hash " + hash);
                            }
                        } else {
                            try (ReadTxn txn = follower.beginRead()) {
                                List<KeyValue> seen = txn.range(FIRST_KEY, ByteString.EMPTY, 0, 0).kvs();
                                if (!seen.equals(oldState) && !seen.equals(newState)) {
                                    problems.add("a mixed read at revision " + txn.revision() + ": " + seen);
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        problems.add(e.toString());
                    }
                    reads.incrementAndGet();
                }
            });
            readers.add(reader);
            reader.start();
        }
        try {
            // Enough rounds (leader, then old contents again) that the readers really run in between.
            int rounds = 0;
            while (rounds < 30 || reads.get() < 5000 && rounds < 20_000) {
                follower.beginRestore();
                followerBackend.replaceWith(leaderBackend, 2);
                follower.finishRestore();
                follower.beginRestore();
                followerBackend.replaceWith(oldContents, 2);
                follower.finishRestore();
                rounds += 2;
            }
        } finally {
            stop.set(true);
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
        assertEquals(List.of(), List.copyOf(problems));
        assertEquals(oldState, all(follower, 0), "the last restore brought the old contents back");
    }

    @Test
    void uncommittedWritesAndWaitingCompactionsDieWithTheOldContents() throws Exception {
        leaderWithHistory();
        RecordingListener listener = followerWithOlderData(MvccOptions.defaults());
        put(follower, "uncommitted", "u");
        CompletableFuture<Void> waiting = follower.compact(follower.currentRevision());

        follower.beginRestore();
        assertTrue(waiting.isCompletedExceptionally(), "a compaction waiting for a commit fails");
        followerBackend.replaceWith(leaderBackend, 10);
        follower.finishRestore();

        assertEquals(List.of(), follower.range(b("uncommitted"), null, 0, 0).kvs());
        assertSameKeySpace(leader, follower);
        follower.commit(60, 3);
        assertEquals(List.of(), listener.committed, "the dropped write is never reported");
        assertEquals(null, followerBackend.snapshot(MvccStore.KEY_BUCKET).get(new Revision(leader.currentRevision() + 1, 0).toBytes()));
        assertEquals(leaderBackend.snapshot(MvccStore.KEY_BUCKET).size(), followerBackend.snapshot(MvccStore.KEY_BUCKET).size());
    }

    @Test
    void restoreStepsOutOfOrderAreRefused() throws Exception {
        leaderWithHistory();
        followerWithOlderData(MvccOptions.defaults());
        assertThrows(IllegalStateException.class, follower::finishRestore);
        try (WriteTxn open = follower.beginWrite()) {
            assertThrows(IllegalStateException.class, follower::beginRestore);
        }
        follower.beginRestore();
        assertThrows(IllegalStateException.class, follower::beginRestore);
        assertThrows(IllegalStateException.class, follower::beginWrite);
        assertThrows(IllegalStateException.class, () -> follower.commit(1, 1));
        assertThrows(IllegalStateException.class, () -> follower.compact(2));
        followerBackend.replaceWith(leaderBackend, 100);
        follower.finishRestore();
        assertSameKeySpace(leader, follower);
        assertThrows(IllegalStateException.class, follower::finishRestore);
    }

    @Test
    void corruptNewContentsCloseTheStoreAndReleaseWaitingReaders() throws Exception {
        followerWithOlderData(MvccOptions.defaults());
        follower.beginRestore();
        try (WriteBatch batch = followerBackend.newBatch()) {
            batch.put(MvccStore.KEY_BUCKET, new Revision(50, 0).toBytes(), new byte[] {(byte) 0xff});
            followerBackend.commit(batch);
        }
        AtomicReference<Object> blockedRead = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                blockedRead.set(all(follower, 0));
            } catch (RuntimeException e) {
                blockedRead.set(e);
            }
        });
        reader.start();
        awaitState(reader);

        IllegalStateException e = assertThrows(IllegalStateException.class, follower::finishRestore);
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        reader.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(reader.isAlive(), "the waiting reader was let go");
        assertTrue(blockedRead.get() instanceof IllegalStateException, "the store is closed: " + blockedRead.get());
        assertThrows(IllegalStateException.class, follower::beginRead);
        assertThrows(IllegalStateException.class, follower::beginWrite);
        assertTrue(Arrays.equals(new byte[] {(byte) 0xff},
                followerBackend.snapshot(MvccStore.KEY_BUCKET).get(new Revision(50, 0).toBytes())), "nothing was written");
    }
}
