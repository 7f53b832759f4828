package io.etcdj.verify;

import io.etcdj.verify.kv.KvOp;
import io.etcdj.verify.kv.KvRegisterModel;
import io.etcdj.verify.kv.KvResult;
import io.etcdj.verify.kv.KvStoreModel;
import io.etcdj.verify.linearizability.LinearizabilityChecker;
import io.etcdj.verify.linearizability.LinearizabilityResult;
import io.etcdj.verify.linearizability.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HistoryRecorderTest {

    @Test
    void recordsOutcomesWithTheGivenClock() {
        AtomicLong clock = new AtomicLong();
        HistoryRecorder<KvOp, KvResult> recorder = new HistoryRecorder<>(() -> clock.addAndGet(10));
        HistoryRecorder<KvOp, KvResult>.Invocation put = recorder.invoke(1, KvOp.put("x", "a"));
        HistoryRecorder<KvOp, KvResult>.Invocation get = recorder.invoke(2, KvOp.get("x"));
        HistoryRecorder<KvOp, KvResult>.Invocation delete = recorder.invoke(3, KvOp.delete("x"));
        recorder.invoke(4, KvOp.put("x", "b"));
        put.ok(new KvResult.PutResult(2));
        get.info();
        delete.fail();

        List<Operation<KvOp, KvResult>> ops = recorder.history().operations();
        assertEquals(4, ops.size());
        assertEquals(new Operation<>(0, 1, 10, 50, KvOp.put("x", "a"), Outcome.OK, new KvResult.PutResult(2)),
                ops.get(0));
        assertEquals(Outcome.INFO, ops.get(1).outcome());
        assertEquals(Operation.NEVER, ops.get(1).returnNanos());
        assertEquals(new Operation<>(2, 3, 30, 60, KvOp.delete("x"), Outcome.FAIL, null), ops.get(2));
        // Never completed: indeterminate.
        assertEquals(Outcome.INFO, ops.get(3).outcome());
        assertNull(ops.get(3).output());
    }

    @Test
    void anInvocationCompletesOnce() {
        HistoryRecorder<KvOp, KvResult> recorder = new HistoryRecorder<>();
        HistoryRecorder<KvOp, KvResult>.Invocation put = recorder.invoke(1, KvOp.put("x", "a"));
        put.ok(new KvResult.PutResult(2));
        assertThrows(IllegalStateException.class, put::info);
        assertThrows(IllegalStateException.class, () -> put.ok(null));
    }

    @Test
    void operationsAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new Operation<>(0, 0, 10, 5, KvOp.get("x"), Outcome.OK, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation<>(0, 0, 10, 20, KvOp.get("x"), Outcome.INFO, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation<>(0, 0, 10, Operation.NEVER, KvOp.get("x"), Outcome.OK, null));
        Operation<KvOp, KvResult> op = new Operation<>(7, 0, 10, 20, KvOp.get("x"), Outcome.OK, null);
        assertThrows(IllegalArgumentException.class, () -> new History<>(List.of(op, op)));
    }

    /** Client threads hammering a correct (locked) store: the recorded history must be linearizable. */
    @Test
    void concurrentClientsOfALockedStoreRecordALinearizableHistory() throws Exception {
        HistoryRecorder<KvOp, KvResult> recorder = new HistoryRecorder<>();
        LockedStore store = new LockedStore();
        long seed = 2024;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int client = 0; client < 8; client++) {
                int process = client;
                Random random = new Random(seed + client);
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        String key = "k" + random.nextInt(3);
                        KvOp op = switch (random.nextInt(4)) {
                            case 0 -> KvOp.get(key);
                            case 1 -> KvOp.delete(key);
                            case 2 -> KvOp.cas(key, "p" + process + "-" + (i - 1), "p" + process + "-" + i);
                            default -> KvOp.put(key, "p" + process + "-" + i);
                        };
                        HistoryRecorder<KvOp, KvResult>.Invocation invocation = recorder.invoke(process, op);
                        invocation.ok(store.apply(op));
                    }
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }
        History<KvOp, KvResult> history = recorder.history();
        assertEquals(1_200, history.operations().size());
        LinearizabilityResult<KvOp, KvResult> registers = new LinearizabilityChecker()
                .check(new KvRegisterModel(), history);
        assertEquals(Verdict.LINEARIZABLE, registers.verdict(), registers::explain);
        LinearizabilityResult<KvOp, KvResult> whole = new LinearizabilityChecker()
                .check(new KvStoreModel(1), history);
        assertEquals(Verdict.LINEARIZABLE, whole.verdict(), whole::explain);
    }

    /** A trivially linearizable etcd-like store: one lock around everything. */
    private static final class LockedStore {
        private record Entry(String value, long createRevision, long modRevision, long version) {
        }

        private final Map<String, Entry> keys = new HashMap<>();
        private long revision = 1;

        synchronized KvResult apply(KvOp op) {
            return switch (op) {
                case KvOp.Get get -> {
                    Entry e = keys.get(get.key());
                    yield e == null ? KvResult.GetResult.absent(revision)
                            : new KvResult.GetResult(e.value(), e.createRevision(), e.modRevision(), e.version(),
                            revision);
                }
                case KvOp.Put put -> {
                    write(put.key(), put.value());
                    yield new KvResult.PutResult(revision);
                }
                case KvOp.Delete delete -> {
                    if (keys.remove(delete.key()) == null) {
                        yield new KvResult.DeleteResult(0, revision);
                    }
                    yield new KvResult.DeleteResult(1, ++revision);
                }
                case KvOp.CompareAndSet cas -> {
                    Entry e = keys.get(cas.key());
                    boolean holds = cas.expected() == null ? e == null : e != null && e.value().equals(cas.expected());
                    if (holds) {
                        write(cas.key(), cas.value());
                    }
                    yield new KvResult.CasResult(holds, revision);
                }
            };
        }

        private void write(String key, String value) {
            Entry old = keys.get(key);
            revision++;
            keys.put(key, old == null ? new Entry(value, revision, revision, 1)
                    : new Entry(value, old.createRevision(), revision, old.version() + 1));
        }
    }
}
