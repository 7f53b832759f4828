package io.etcdj.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A static cluster of {@code n1..nN} members (etcdj or the reference etcd) bootstrapped together with
 * {@code --initial-cluster-state new} on loopback ports chosen up front, each with its own data directory.
 * {@link #start} returns once {@code etcdctl endpoint health} succeeds on every member. {@link #close()}
 * stops every member, killed or not, and removes their data directories.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(60);

    private final List<EtcdProcess> members;

    private EtcdCluster(List<EtcdProcess> members) {
        this.members = List.copyOf(members);
    }

    /** Starts {@code size} members of the given variant and waits until all of them are healthy. */
    public static EtcdCluster start(int size, ServerVariant variant) {
        return start(size, variant, List.of());
    }

    /** {@link #start(int, ServerVariant)} with {@code extraArgs} given to every member. */
    public static EtcdCluster start(int size, ServerVariant variant, List<String> extraArgs) {
        int[] ports = EtcdProcess.freeLoopbackPorts(2 * size);
        List<String> names = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add("n" + (i + 1));
            peers.add(names.get(i) + "=http://127.0.0.1:" + ports[2 * i + 1]);
        }
        String initialCluster = String.join(",", peers);
        List<EtcdProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                started.add(EtcdProcess.builder(names.get(i))
                        .ports(ports[2 * i], ports[2 * i + 1])
                        .initialCluster(initialCluster)
                        .args(List.of("--initial-cluster-state=new", "--initial-cluster-token=e2e-cluster"))
                        .args(variant.extraArgs())
                        .args(extraArgs)
                        .startNoWait());
            }
            EtcdCluster cluster = new EtcdCluster(started);
            cluster.awaitHealthy(cluster.members);
            return cluster;
        } catch (RuntimeException | AssertionError e) {
            new EtcdCluster(started).close();
            throw e;
        }
    }

    /** The members in name order ({@code n1} first). */
    public List<EtcdProcess> members() {
        return members;
    }

    /** An etcdctl whose {@code --endpoints} are the given members. */
    public static Etcdctl etcdctl(List<EtcdProcess> of) {
        return new Etcdctl(of.stream().map(EtcdProcess::endpoint).collect(Collectors.joining(",")));
    }

    /** An etcdctl whose {@code --endpoints} are all members. */
    public Etcdctl etcdctl() {
        return etcdctl(members);
    }

    /** Polls {@code endpoint health} on the given members until all pass; fails fast if one of them died. */
    public void awaitHealthy(List<EtcdProcess> of) {
        Instant deadline = Instant.now().plus(HEALTHY_TIMEOUT);
        Etcdctl probe = etcdctl(of);
        Etcdctl.Result last = null;
        while (Instant.now().isBefore(deadline)) {
            for (EtcdProcess member : of) {
                if (!member.isRunning()) {
                    throw new AssertionError(member.name() + " exited before the cluster was healthy\n"
                            + member.logTail());
                }
            }
            last = probe.run("--dial-timeout=1s", "--command-timeout=2s", "endpoint", "health");
            if (last.exitCode() == 0) {
                return;
            }
            sleep(Duration.ofMillis(300));
        }
        throw new AssertionError("the cluster was not healthy within " + HEALTHY_TIMEOUT + "; last health check: "
                + last + "\n" + of.stream().map(EtcdProcess::logTail).collect(Collectors.joining("\n")));
    }

    /** Polls {@code endpoint hashkv} until every given member has the same hash at the same revision, bounded. */
    public static void awaitEqualHashes(List<EtcdProcess> members, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Object last = null;
        while (Instant.now().isBefore(deadline)) {
            Etcdctl.Result result = etcdctl(members).run("--command-timeout=2s", "endpoint", "hashkv", "-w", "json");
            if (result.exitCode() == 0) {
                java.util.Set<List<Object>> distinct = new java.util.HashSet<>();
                for (Object element : Json.arrayOf(result.stdout())) {
                    java.util.Map<String, Object> hashKv = Json.obj(Json.asObject(element), "HashKV");
                    // "hash" is omitted from the JSON when it is 0.
                    distinct.add(List.of(Json.lng(Json.obj(hashKv, "header"), "revision"),
                            hashKv.getOrDefault("hash", java.math.BigInteger.ZERO)));
                }
                if (distinct.size() == 1 && Json.arrayOf(result.stdout()).size() == members.size()) {
                    return;
                }
                last = result.stdout();
            } else {
                last = result;
            }
            sleep(Duration.ofMillis(300));
        }
        throw new AssertionError("hashkv did not converge within " + timeout + "; last: " + last + "\n"
                + members.stream().map(EtcdProcess::logTail).collect(Collectors.joining("\n")));
    }

    /** All members' log tails, for failure messages. */
    public String logTails() {
        return members.stream().map(EtcdProcess::logTail).collect(Collectors.joining("\n"));
    }

    /** Stops every member still running (each by its own process) and deletes every data directory. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (EtcdProcess member : members) {
            try {
                member.close();
            } catch (RuntimeException e) {
                // Keep going: the other members must be stopped too.
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
