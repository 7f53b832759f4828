package io.etcdj.e2e;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Jepsen-style nemesis for a cluster of three or more: in rounds, on its own thread, it SIGKILLs one member,
 * leaves it down for a moment and starts it again on its data, then waits until every member is healthy. It never
 * takes a second member down, so the cluster keeps its quorum throughout.
 *
 * <p>Choices (pauses, victims, whether to aim at the leader) come from a {@link Random} seeded by the test, which
 * prints the seed; the leader is found with {@code etcdctl endpoint status}. Timings still vary between runs, so a
 * seed replays the intent of a run, not its interleaving. {@link #stop()} lets the current round finish: when it
 * returns, every member runs and the cluster was healthy. What the nemesis did is kept, with times, for failure
 * messages ({@link #actions()}).
 */
final class KillRestartNemesis {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);
    private static final int LEADER_PERCENT = 40;

    private final EtcdCluster cluster;
    private final Random random;
    private final int maxRounds;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<String> actions = new ArrayList<>();
    private final long origin = System.nanoTime();
    private final Thread thread;
    private volatile Throwable failure;
    private int kills;

    /** A nemesis of at most {@code maxRounds} kill-and-restart rounds; {@link #start()} sets it going. */
    KillRestartNemesis(EtcdCluster cluster, long seed, int maxRounds) {
        this.cluster = cluster;
        this.random = new Random(seed);
        this.maxRounds = maxRounds;
        this.thread = new Thread(this::run, "e2e-nemesis");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Lets the current round finish and waits for the thread (bounded); rethrows what went wrong in it, e.g. a
     * member that did not come back healthy.
     */
    void stop() throws InterruptedException {
        stopping.set(true);
        thread.join(JOIN_TIMEOUT.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the nemesis did not finish its round within " + JOIN_TIMEOUT + "\n" + actions());
        }
        if (failure != null) {
            throw new AssertionError("the nemesis failed\n" + actions(), failure);
        }
    }

    /** How many members were killed. */
    synchronized int kills() {
        return kills;
    }

    /** What the nemesis did, one line per action with its time since the nemesis was created. */
    synchronized String actions() {
        return String.join("\n", actions);
    }

    private void run() {
        try {
            for (int round = 0; round < maxRounds; round++) {
                if (!pause(Duration.ofMillis(1_000 + random.nextInt(1_500)))) {
                    return;
                }
                killAndRestart();
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** One round; it always runs to the end so that no member is left down. */
    private void killAndRestart() {
        List<EtcdProcess> members = cluster.members();
        boolean aimAtLeader = random.nextInt(100) < LEADER_PERCENT;
        Optional<EtcdProcess> leader = aimAtLeader ? leader(members) : Optional.empty();
        EtcdProcess victim = leader.orElseGet(() -> members.get(random.nextInt(members.size())));
        victim.kill9();
        synchronized (this) {
            kills++;
        }
        log("SIGKILL " + victim.name() + (leader.isPresent() ? " (the leader)" : ""));
        // Uninterruptible on purpose: the round must restart its victim whatever the test does meanwhile.
        sleepQuietly(Duration.ofMillis(500 + random.nextInt(1_500)));
        victim.startAgainNoWait();
        log("restart " + victim.name());
        cluster.awaitHealthy(members);
        log("all members healthy");
    }

    /** The member the others follow, if {@code endpoint status} names one now. */
    private static Optional<EtcdProcess> leader(List<EtcdProcess> members) {
        Etcdctl.Result result = EtcdCluster.etcdctl(members)
                .run("--command-timeout=2s", "endpoint", "status", "-w", "json");
        if (result.exitCode() != 0) {
            return Optional.empty();
        }
        for (Object element : Json.arrayOf(result.stdout())) {
            Map<String, Object> entry = Json.asObject(element);
            Map<String, Object> status = Json.obj(entry, "Status");
            // "leader" is omitted from the JSON while it is 0 (an election is running).
            BigInteger leaderId = status.containsKey("leader") ? Json.integer(status, "leader") : BigInteger.ZERO;
            BigInteger self = Json.integer(Json.obj(status, "header"), "member_id");
            String endpoint = Json.str(entry, "Endpoint");
            if (self.equals(leaderId)) {
                return members.stream().filter(m -> m.endpoint().equals(endpoint)).findFirst();
            }
        }
        return Optional.empty();
    }

    /** Sleeps in short steps; false if asked to stop meanwhile. */
    private boolean pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            if (stopping.get()) {
                return false;
            }
            sleepQuietly(Duration.ofMillis(50));
        }
        return !stopping.get();
    }

    private static void sleepQuietly(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        boolean interrupted = false;
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void log(String action) {
        actions.add("+" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin) + "ms " + action);
    }
}
