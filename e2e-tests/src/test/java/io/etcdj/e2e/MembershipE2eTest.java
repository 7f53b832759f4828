package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Run-time membership changes with the real etcdctl against real processes: {@code member add}
 * prints the settings that start the new member, which then joins with
 * {@code --initial-cluster-state=existing}; {@code member remove} makes the removed process stop by
 * itself (exit 0, saying so in its log); a learner is promoted once in sync.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#clusterVariants")
class MembershipE2eTest {
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @Parameter
    ServerVariant variant;

    private EtcdCluster cluster;
    private final List<EtcdProcess> joined = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (EtcdProcess p : joined) {
            p.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code ETCD_X="value"} lines of {@code member add}'s output. */
    private static Map<String, String> settings(Etcdctl.Result add) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : add.lines()) {
            if (line.startsWith("ETCD_")) {
                int eq = line.indexOf('=');
                String value = line.substring(eq + 1);
                assertTrue(value.startsWith("\"") && value.endsWith("\""), line);
                env.put(line.substring(0, eq), value.substring(1, value.length() - 1));
            }
        }
        return env;
    }

    /**
     * Runs a membership change, retrying while the cluster answers "unhealthy cluster": etcd refuses
     * reconfiguration until the leader has been connected to every member for 5 s.
     */
    private static Etcdctl.Result reconfigure(Etcdctl ctl, String... args) {
        Instant deadline = Instant.now().plus(CONVERGE);
        Etcdctl.Result r;
        do {
            r = ctl.run(args);
            if (r.exitCode() == 0 || !r.stderr().contains("etcdserver: unhealthy cluster")) {
                return r;
            }
            EtcdCluster.sleep(Duration.ofMillis(500));
        } while (Instant.now().isBefore(deadline));
        return r;
    }

    private EtcdProcess.Builder joiner(String name, int[] ports, Map<String, String> env) {
        return EtcdProcess.builder(name).ports(ports[0], ports[1])
                .initialCluster(env.get("ETCD_INITIAL_CLUSTER"))
                .args(List.of("--initial-cluster-state=" + env.get("ETCD_INITIAL_CLUSTER_STATE"),
                        "--initial-cluster-token=e2e-cluster"))
                .args(variant.extraArgs());
    }

    private static String idOf(List<String> memberList, String name) {
        for (String line : memberList) {
            String[] f = line.split(", ");
            if (f[2].equals(name)) {
                return f[0];
            }
        }
        throw new AssertionError("no member " + name + " in " + memberList);
    }

    @Test
    void addAFourthMemberThenRemoveOne() {
        cluster = EtcdCluster.start(3, variant);
        Etcdctl ctl = cluster.etcdctl();
        ctl.ok("put", "before-join", "v0");

        int[] ports = EtcdProcess.freeLoopbackPorts(2);
        String peer = "http://127.0.0.1:" + ports[1];
        Etcdctl.Result add = reconfigure(ctl, "member", "add", "n4", "--peer-urls=" + peer);
        assertEquals(0, add.exitCode(), add::toString);
        assertTrue(add.lines().get(0).matches("Member +[0-9a-f]{1,16} added to cluster +[0-9a-f]{1,16}"), add::toString);
        Map<String, String> env = settings(add);
        assertEquals("n4", env.get("ETCD_NAME"));
        assertEquals(peer, env.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
        assertEquals("existing", env.get("ETCD_INITIAL_CLUSTER_STATE"));
        assertEquals(4, env.get("ETCD_INITIAL_CLUSTER").split(",").length, env::toString);
        assertTrue(env.get("ETCD_INITIAL_CLUSTER").contains("n4=" + peer), env::toString);

        EtcdProcess n4 = joiner("n4", ports, env).start();
        joined.add(n4);
        // The new member has everything written before it joined, and takes writes.
        assertEquals(List.of("before-join", "v0"), n4.etcdctl().run("get", "before-join").lines());
        n4.etcdctl().ok("put", "via-n4", "v4");
        assertEquals(List.of("via-n4", "v4"), cluster.members().get(0).etcdctl().run("get", "via-n4").lines());
        List<String> four = ctl.run("member", "list").lines();
        assertEquals(4, four.size(), four::toString);
        assertTrue(four.stream().allMatch(l -> l.contains(", started, ")), four::toString);

        // Remove n2: it stops by itself, saying why, with status 0 so a supervisor does not restart it.
        EtcdProcess n2 = cluster.members().get(1);
        String n2Id = idOf(four, "n2");
        Etcdctl remaining = EtcdCluster.etcdctl(List.of(cluster.members().get(0), cluster.members().get(2), n4));
        Etcdctl.Result remove = reconfigure(remaining, "member", "remove", n2Id);
        assertEquals(0, remove.exitCode(), remove::toString);
        assertTrue(remove.stdout().matches("(?s)Member +" + n2Id + " removed from cluster +[0-9a-f]+\n"), remove::toString);
        assertEquals(0, n2.awaitExit(CONVERGE), () -> "the removed member exits with 0\n" + n2.logTail());
        assertTrue(n2.log().contains("the member has been permanently removed from the cluster"), n2::logTail);

        // n2 may have been the leader: the others elect a new one first.
        cluster.awaitHealthy(List.of(cluster.members().get(0), cluster.members().get(2), n4));
        List<String> three = remaining.run("member", "list").lines();
        assertEquals(3, three.size(), three::toString);
        assertTrue(three.stream().noneMatch(l -> l.startsWith(n2Id + ",")), three::toString);
        remaining.ok("put", "after-remove", "v5");
        assertEquals(List.of("after-remove", "v5"), n4.etcdctl().run("get", "after-remove").lines());
    }

    @Test
    void aLearnerJoinsAndIsPromotedOnceInSync() {
        cluster = EtcdCluster.start(3, variant);
        Etcdctl ctl = cluster.etcdctl();
        for (int i = 0; i < 20; i++) {
            ctl.ok("put", "k" + i, "v" + i);
        }
        int[] ports = EtcdProcess.freeLoopbackPorts(2);
        String peer = "http://127.0.0.1:" + ports[1];
        Etcdctl.Result add = reconfigure(ctl, "member", "add", "n4", "--peer-urls=" + peer, "--learner");
        assertEquals(0, add.exitCode(), add::toString);
        // etcdctl prints IDs with %16x: space-padded when shorter than 16 digits.
        String id = add.lines().get(0).trim().split(" +")[1];
        EtcdProcess n4 = joiner("n4", ports, settings(add)).startNoWait();
        joined.add(n4);

        // A learner serves serializable reads once it has the data, and refuses everything else.
        Instant caughtUp = Instant.now().plus(CONVERGE);
        while (!List.of("k19", "v19").equals(n4.etcdctl().run("get", "k19", "--consistency=s").lines())) {
            assertTrue(Instant.now().isBefore(caughtUp), n4::logTail);
            EtcdCluster.sleep(Duration.ofMillis(300));
        }
        Etcdctl.Result refused = n4.etcdctl().run("get", "k19");
        assertTrue(refused.exitCode() != 0 && refused.stderr().contains("etcdserver: rpc not supported for learner"),
                refused::toString);

        Instant deadline = Instant.now().plus(CONVERGE);
        Etcdctl.Result promote;
        do {
            // A learner that has not caught up is refused with etcd's text; retried until it has.
            promote = ctl.run("member", "promote", id);
            if (promote.exitCode() == 0) {
                break;
            }
            assertTrue(promote.stderr().contains("can only promote a learner member which is in sync with leader"),
                    promote::toString);
            EtcdCluster.sleep(Duration.ofMillis(300));
        } while (Instant.now().isBefore(deadline));
        assertEquals(0, promote.exitCode(), promote::toString);
        assertTrue(promote.stdout().matches("(?s)Member +" + id + " promoted in cluster +[0-9a-f]+\n"), promote.stdout());
        List<String> members = ctl.run("member", "list").lines();
        assertTrue(members.stream().filter(l -> l.startsWith(id + ",")).allMatch(l -> l.endsWith(", false")),
                members::toString);
        cluster.awaitHealthy(List.of(n4));
        assertEquals(List.of("k19", "v19"), n4.etcdctl().run("get", "k19").lines());
    }
}
