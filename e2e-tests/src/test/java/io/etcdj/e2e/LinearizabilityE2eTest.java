package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcdj.verify.History;
import io.etcdj.verify.HistoryRecorder;
import io.etcdj.verify.Operation;
import io.etcdj.verify.Outcome;
import io.etcdj.verify.kv.KvOp;
import io.etcdj.verify.kv.KvRegisterModel;
import io.etcdj.verify.kv.KvResult;
import io.etcdj.verify.kv.KvStoreModel;
import io.etcdj.verify.linearizability.Budget;
import io.etcdj.verify.linearizability.LinearizabilityChecker;
import io.etcdj.verify.linearizability.LinearizabilityResult;
import io.etcdj.verify.linearizability.Model;
import io.etcdj.verify.linearizability.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linearizability of the KV API under crash faults, Jepsen-style: jetcd clients, some talking to every member and
 * some each to one member, run random puts, linearizable gets, compare-and-set txns and deletes on a few keys while
 * a {@link KillRestartNemesis} SIGKILLs and restarts one member at a time, sometimes the leader. The recorded
 * history is then checked by {@link LinearizabilityChecker}: per key against {@link KvRegisterModel}, and for a
 * short low-concurrency run as a whole against {@link KvStoreModel}, which also checks every revision etcd reported.
 *
 * <p>The seed of each run is printed and in every failure message.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class LinearizabilityE2eTest {

    private static final Duration OP_TIMEOUT = Duration.ofMillis(2_500);
    /** After an unknown outcome a client waits a little: a client of a dead member would pile up INFO writes. */
    private static final Duration BACKOFF = Duration.ofMillis(300);
    private static final Duration CHECK_TIME = Duration.ofSeconds(20);
    private static final Duration JOIN_SLACK = Duration.ofSeconds(30);

    @Parameter
    ServerVariant variant;

    private EtcdCluster cluster;
    private final List<Client> clients = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        clients.forEach(Client::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyKeyIsALinearizableRegisterWhileMembersAreKilledAndRestarted() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LinearizabilityE2eTest registers: seed " + seed);
        cluster = EtcdCluster.start(3, variant);
        List<EtcdProcess> members = cluster.members();
        HistoryRecorder<KvOp, KvResult> recorder = new HistoryRecorder<>();
        List<RecordedKvClient> processes = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            // Half of the clients balance over every member, half stick to one member each (and see it die).
            Client client = p < 3 ? clientOf(members) : clientOf(List.of(members.get(p - 3)));
            processes.add(new RecordedKvClient(p, client.getKVClient(), recorder, OP_TIMEOUT));
        }
        List<String> keys = List.of("lin/k0", "lin/k1", "lin/k2", "lin/k3", "lin/k4");

        KillRestartNemesis nemesis = new KillRestartNemesis(cluster, seed, 6);
        nemesis.start();
        runClients(processes, keys, new Workload(seed, Duration.ofSeconds(20), 4_000, Duration.ZERO));
        nemesis.stop();

        History<KvOp, KvResult> history = recorder.history();
        String context = "seed " + seed + "\n" + summary(history) + "\nnemesis:\n" + nemesis.actions();
        System.out.println(context);
        assertTrue(nemesis.kills() >= 1, () -> "the nemesis killed nobody: " + context);
        assertTrue(count(history, Outcome.OK, false) >= 100, () -> "too few acknowledged writes: " + context);
        assertLinearizable(new KvRegisterModel(), history, context);
    }

    @Test
    void everyRevisionIsLinearizableAcrossAMemberRestart() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LinearizabilityE2eTest store: seed " + seed);
        cluster = EtcdCluster.start(3, variant);
        List<EtcdProcess> members = cluster.members();
        Client all = clientOf(members);
        // The store model needs the revision the history starts from; a read does not move it.
        long initialRevision = Jetcd.await(all.getKVClient().get(Jetcd.bytes("store/revision-probe")))
                .getHeader().getRevision();
        HistoryRecorder<KvOp, KvResult> recorder = new HistoryRecorder<>();
        List<RecordedKvClient> processes = List.of(
                new RecordedKvClient(0, all.getKVClient(), recorder, OP_TIMEOUT),
                new RecordedKvClient(1, clientOf(members).getKVClient(), recorder, OP_TIMEOUT),
                new RecordedKvClient(2, clientOf(List.of(members.get(new Random(seed).nextInt(3)))).getKVClient(),
                        recorder, OP_TIMEOUT));

        // Few clients, few keys, paced: the whole-store search is exponential in concurrent operations.
        KillRestartNemesis nemesis = new KillRestartNemesis(cluster, seed, 1);
        nemesis.start();
        runClients(processes, List.of("store/a", "store/b"),
                new Workload(seed, Duration.ofSeconds(8), 80, Duration.ofMillis(40)));
        nemesis.stop();

        History<KvOp, KvResult> history = recorder.history();
        String context = "seed " + seed + ", initial revision " + initialRevision + "\n" + summary(history)
                + "\nnemesis:\n" + nemesis.actions();
        System.out.println(context);
        assertTrue(nemesis.kills() == 1, () -> "the nemesis did not kill a member: " + context);
        assertTrue(count(history, Outcome.OK, false) >= 20, () -> "too few acknowledged writes: " + context);
        assertLinearizable(new KvStoreModel(initialRevision), history, context);
    }

    private static <S> void assertLinearizable(Model<S, KvOp, KvResult> model, History<KvOp, KvResult> history,
                                               String context) {
        long started = System.nanoTime();
        LinearizabilityResult<KvOp, KvResult> result = new LinearizabilityChecker()
                .withBudget(new Budget(2_000_000, CHECK_TIME)).check(model, history);
        System.out.println(model.getClass().getSimpleName() + " check took "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: " + result.explain());
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), () -> result.explain() + "\n" + context);
    }

    /**
     * How the client threads behave.
     *
     * @param seed         each client's random choices derive from it
     * @param duration     how long the clients run
     * @param maxOpsPerClient a bound on each client's operations
     * @param pause        a pause after each operation
     */
    private record Workload(long seed, Duration duration, int maxOpsPerClient, Duration pause) {
    }

    /** Runs one thread per client until the workload's time or count is up, and waits for all (bounded). */
    private static void runClients(List<RecordedKvClient> processes, List<String> keys, Workload workload)
            throws InterruptedException {
        long deadline = System.nanoTime() + workload.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (RecordedKvClient process : processes) {
            Random random = new Random(workload.seed() * 31 + process.process());
            Thread thread = new Thread(() -> {
                try {
                    clientLoop(process, keys, random, deadline, workload);
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                }
            }, "e2e-client-" + process.process());
            thread.start();
            threads.add(thread);
        }
        long joinDeadline = deadline + OP_TIMEOUT.toNanos() + JOIN_SLACK.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " did not stop");
            }
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw new AssertionError("a client thread failed", failures.getFirst());
            }
        }
    }

    /**
     * Random operations with values unique to this client and operation. A compare-and-set expects the value this
     * client last saw for the key (absent if none), so that some succeed and some do not.
     */
    private static void clientLoop(RecordedKvClient client, List<String> keys, Random random, long deadline,
                                   Workload workload) throws InterruptedException {
        Map<String, String> lastSeen = new HashMap<>();
        for (int i = 0; i < workload.maxOpsPerClient() && System.nanoTime() < deadline; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            String value = "p" + client.process() + "-" + i;
            int dice = random.nextInt(100);
            KvOp op = dice < 40 ? KvOp.get(key)
                    : dice < 70 ? KvOp.put(key, value)
                    : dice < 95 ? KvOp.cas(key, lastSeen.get(key), value)
                    : KvOp.delete(key);
            KvResult result = client.run(op);
            switch (result) {
                case null -> {
                    lastSeen.remove(key);
                    Thread.sleep(BACKOFF);
                }
                case KvResult.GetResult read when read.value() != null -> lastSeen.put(key, read.value());
                case KvResult.CasResult cas when cas.succeeded() -> lastSeen.put(key, value);
                case KvResult.PutResult put -> lastSeen.put(key, value);
                default -> lastSeen.remove(key);
            }
            if (!workload.pause().isZero()) {
                Thread.sleep(workload.pause());
            }
        }
    }

    private Client clientOf(List<EtcdProcess> members) {
        Client client = Client.builder().endpoints(members.stream().map(EtcdProcess::clientUrl)
                .toArray(String[]::new)).build();
        clients.add(client);
        return client;
    }

    /** Counts operations by outcome, reads or writes. */
    private static long count(History<KvOp, KvResult> history, Outcome outcome, boolean reads) {
        return history.operations().stream()
                .filter(op -> op.outcome() == outcome && (op.input() instanceof KvOp.Get) == reads).count();
    }

    private static String summary(History<KvOp, KvResult> history) {
        long casFailed = history.operations().stream().map(Operation::output)
                .filter(o -> o instanceof KvResult.CasResult cas && !cas.succeeded()).count();
        return history.operations().size() + " operations: writes " + count(history, Outcome.OK, false) + " ok / "
                + count(history, Outcome.INFO, false) + " unknown, reads " + count(history, Outcome.OK, true)
                + " ok / " + count(history, Outcome.INFO, true) + " unknown, " + casFailed + " failed compares";
    }
}
