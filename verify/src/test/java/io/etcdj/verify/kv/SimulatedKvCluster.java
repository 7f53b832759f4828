package io.etcdj.verify.kv;

import io.etcdj.verify.History;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * A discrete-event simulation of clients driving an in-memory etcd-like store, producing a history with logical
 * timestamps. Every operation takes effect at one instant between its invocation and its completion, so with no
 * bug injected the history is linearizable by construction. Fully determined by the seed.
 *
 * <p>Faults: an operation may time out (INFO: applied at some later instant, or never) or fail cleanly (FAIL: not
 * applied). Bugs: a read may be served by a replica lagging {@link #LAG} ticks behind (stale read), and a put may
 * be acknowledged with the next revision without being applied (lost write).
 */
final class SimulatedKvCluster {

    /** How far behind the lagging replica is; much longer than an operation, so its staleness is observable. */
    static final long LAG = 200;

    record Config(long seed, int clients, int keys, int operations, double infoRate, double failRate,
                  double staleReadRate, double lostWriteRate) {

        static Config correct(long seed, int clients, int keys, int operations) {
            return new Config(seed, clients, keys, operations, 0.01, 0.01, 0, 0);
        }

        Config withStaleReads(double rate) {
            return new Config(seed, clients, keys, operations, infoRate, failRate, rate, lostWriteRate);
        }

        Config withLostWrites(double rate) {
            return new Config(seed, clients, keys, operations, infoRate, failRate, staleReadRate, rate);
        }
    }

    private record Entry(String value, long createRevision, long modRevision, long version) {
    }

    /** The store after a write, kept for the lagging replica. */
    private record Snapshot(long time, long revision, Map<String, Entry> keys) {
    }

    private record Event(long time, long sequence, Runnable action) {
    }

    /**
     * A simulated run.
     *
     * @param staleReads acknowledged reads that returned something other than the current state
     * @param lostWrites acknowledged puts that were not applied
     */
    record Run(History<KvOp, KvResult> history, int staleReads, int lostWrites) {
    }

    private final Config config;
    private final Random random;
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (a, b) -> a.time() != b.time() ? Long.compare(a.time(), b.time()) : Long.compare(a.sequence(), b.sequence()));
    private final History.Builder<KvOp, KvResult> history = History.builder();
    private final TreeMap<String, Entry> keys = new TreeMap<>();
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final Map<String, List<String>> writtenValues = new HashMap<>();
    private long revision = 1;
    private long now;
    private long sequence;
    private int invoked;
    private int nextValue;
    private int staleReads;
    private int lostWrites;

    private SimulatedKvCluster(Config config) {
        this.config = config;
        this.random = new Random(config.seed());
        snapshots.add(new Snapshot(Long.MIN_VALUE, revision, Map.copyOf(keys)));
    }

    static Run run(Config config) {
        SimulatedKvCluster cluster = new SimulatedKvCluster(config);
        for (int client = 0; client < config.clients(); client++) {
            int process = client;
            cluster.schedule(cluster.random.nextInt(5), () -> cluster.invoke(process));
        }
        while (!cluster.events.isEmpty()) {
            cluster.events.poll().action().run();
        }
        return new Run(cluster.history.build(), cluster.staleReads, cluster.lostWrites);
    }

    private void schedule(long at, Runnable action) {
        events.add(new Event(at, sequence++, () -> {
            now = at;
            action.run();
        }));
    }

    private void invoke(int process) {
        if (invoked++ >= config.operations()) {
            return;
        }
        long call = now;
        long duration = 1 + random.nextInt(30);
        long ret = call + duration;
        KvOp op = nextOperation();
        double fate = random.nextDouble();
        if (fate < config.infoRate()) {
            // Timed out: the request may still be applied, even after the client gave up, or be lost.
            if (random.nextBoolean()) {
                schedule(call + random.nextInt((int) duration * 4), () -> apply(op, false));
            }
            history.info(process, call, op);
        } else if (fate < config.infoRate() + config.failRate()) {
            schedule(ret, () -> history.fail(process, call, ret, op));
        } else {
            schedule(call + random.nextInt((int) duration + 1), () -> {
                KvResult result = apply(op, true);
                schedule(ret, () -> history.ok(process, call, ret, op, result));
            });
        }
        schedule(ret + random.nextInt(5), () -> invoke(process));
    }

    private KvOp nextOperation() {
        String key = "k" + random.nextInt(config.keys());
        int kind = random.nextInt(10);
        if (kind < 4) {
            return KvOp.get(key);
        }
        String value = "v" + nextValue++;
        if (kind < 7) {
            return KvOp.put(key, value);
        }
        if (kind < 8) {
            return KvOp.delete(key);
        }
        List<String> old = writtenValues.getOrDefault(key, List.of());
        String expected = old.isEmpty() || random.nextInt(4) == 0 ? null : old.get(old.size() - 1 - random.nextInt(
                Math.min(old.size(), 2)));
        return KvOp.cas(key, expected, value);
    }

    /** Applies {@code op} at the current instant; bugs are injected only into acknowledged operations. */
    private KvResult apply(KvOp op, boolean acknowledged) {
        return switch (op) {
            case KvOp.Get get -> {
                KvResult current = read(new Snapshot(now, revision, keys), get.key());
                if (acknowledged && random.nextDouble() < config.staleReadRate()) {
                    KvResult stale = read(lagging(), get.key());
                    if (!stale.equals(current)) {
                        staleReads++;
                    }
                    yield stale;
                }
                yield current;
            }
            case KvOp.Put put -> {
                if (acknowledged && random.nextDouble() < config.lostWriteRate()) {
                    lostWrites++;
                    yield new KvResult.PutResult(revision + 1);
                }
                write(put.key(), put.value());
                yield new KvResult.PutResult(revision);
            }
            case KvOp.Delete delete -> {
                if (!keys.containsKey(delete.key())) {
                    yield new KvResult.DeleteResult(0, revision);
                }
                keys.remove(delete.key());
                revision++;
                snapshots.add(new Snapshot(now, revision, Map.copyOf(keys)));
                yield new KvResult.DeleteResult(1, revision);
            }
            case KvOp.CompareAndSet cas -> {
                Entry entry = keys.get(cas.key());
                boolean holds = cas.expected() == null ? entry == null
                        : entry != null && entry.value().equals(cas.expected());
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
        writtenValues.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        snapshots.add(new Snapshot(now, revision, Map.copyOf(keys)));
    }

    private Snapshot lagging() {
        long asOf = now - LAG;
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            if (snapshots.get(i).time() <= asOf) {
                return snapshots.get(i);
            }
        }
        return snapshots.getFirst();
    }

    private static KvResult read(Snapshot snapshot, String key) {
        Entry entry = snapshot.keys().get(key);
        return entry == null ? KvResult.GetResult.absent(snapshot.revision())
                : new KvResult.GetResult(entry.value(), entry.createRevision(), entry.modRevision(), entry.version(),
                snapshot.revision());
    }
}
