package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.server.config.ConfigParser;
import io.etcdj.server.config.EtcdConfig;
import io.etcdj.server.config.ParseResult;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Members of one cluster started in this JVM on loopback ports (the grpc peer transport), for tests
 * that grow, shrink and restart a cluster. Slot {@code i} has name {@code m<i>}, its own data dir,
 * peer and client port; heartbeat 50 ms, election 500 ms. Close it to stop every member.
 */
final class TestCluster implements AutoCloseable {
    /** Bound on every wait for the cluster to reach a state (not a timing assertion). */
    static final long CONVERGE_SECONDS = 60;

    private final Path dir;
    private final String store;
    private final List<String> peerUrls = new ArrayList<>();
    private final List<String> clientUrls = new ArrayList<>();
    private final List<Bootstrap.Started> running = new ArrayList<>();
    private final List<String> extraFlags;

    TestCluster(Path dir, String store, String... extraFlags) {
        this.dir = dir;
        this.store = store;
        this.extraFlags = List.of(extraFlags);
    }

    /** Reserves ports for a new slot; returns its index. */
    int newSlot() {
        peerUrls.add("http://127.0.0.1:" + TestMembers.freePort());
        clientUrls.add("http://127.0.0.1:" + TestMembers.freePort());
        running.add(null);
        return peerUrls.size() - 1;
    }

    String peerUrl(int i) {
        return peerUrls.get(i);
    }

    /** Starts {@code n} slots as a new cluster and publishes them; returns once all published. */
    void startNew(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            newSlot();
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        List<java.util.concurrent.CompletableFuture<Void>> published = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            start(i, all, "new");
            published.add(server(i).publish("m" + i, List.of(clientUrls.get(i))));
        }
        for (var f : published) {
            await(f);
        }
    }

    /**
     * Starts slot {@code i} with an --initial-cluster made of {@code slots}, in {@code state} (new
     * or existing); a restart ignores both, as etcd does.
     */
    EtcdServer start(int i, List<Integer> slots, String state) throws Exception {
        StringBuilder initial = new StringBuilder();
        for (int s : slots) {
            initial.append(initial.isEmpty() ? "" : ",").append("m").append(s).append('=').append(peerUrls.get(s));
        }
        List<String> args = new ArrayList<>(List.of(
                "--name", "m" + i,
                "--data-dir", dir.resolve("m" + i).toString(),
                "--store", store,
                "--listen-peer-urls", peerUrls.get(i),
                "--initial-advertise-peer-urls", peerUrls.get(i),
                "--initial-cluster", initial.toString(),
                "--initial-cluster-state", state,
                "--listen-client-urls", clientUrls.get(i),
                "--advertise-client-urls", clientUrls.get(i),
                "--heartbeat-interval", "50",
                "--election-timeout", "500"));
        args.addAll(extraFlags);
        ParseResult parsed = ConfigParser.parse(args.toArray(String[]::new), Map.of());
        EtcdConfig cfg = assertInstanceOf(ParseResult.Run.class, parsed, () -> "flags refused: " + parsed).config();
        running.set(i, Bootstrap.start(cfg));
        return server(i);
    }

    EtcdServer server(int i) {
        Bootstrap.Started s = running.get(i);
        return s == null ? null : s.server();
    }

    Bootstrap.Started started(int i) {
        return running.get(i);
    }

    void stop(int i) {
        Bootstrap.Started s = running.set(i, null);
        if (s != null) {
            s.server().close();
        }
    }

    int size() {
        return running.size();
    }

    static long memberId(EtcdServer m) {
        return await(m.status(StatusRequest.getDefaultInstance(), RequestContext.NONE)).getHeader().getMemberId();
    }

    static long leaderSeenBy(EtcdServer m) {
        return await(m.status(StatusRequest.getDefaultInstance(), RequestContext.NONE)).getLeader();
    }

    /** Waits until every running member among {@code slots} names the same running leader; returns its slot. */
    int awaitLeader(List<Integer> slots) throws InterruptedException {
        int[] leader = {-1};
        awaitTrue("one leader known to every running member", () -> {
            Set<Long> seen = new HashSet<>();
            for (int i : slots) {
                if (server(i) != null) {
                    seen.add(leaderSeenBy(server(i)));
                }
            }
            if (seen.size() != 1) {
                return false;
            }
            long id = seen.iterator().next();
            for (int i : slots) {
                if (server(i) != null && memberId(server(i)) == id) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    /**
     * Waits until the leader in {@code slot} has heard from every other running member for 5 s,
     * etcd's condition for a reconfiguration (before that a change is refused as "unhealthy").
     */
    void awaitReconfigurable(int slot, List<Integer> slots) throws InterruptedException {
        awaitTrue("the leader connected to every member for 5 s", () -> {
            long now = System.nanoTime();
            for (int i : slots) {
                if (i != slot && server(i) != null) {
                    long since = started(slot).raft().peerActiveSince(memberId(server(i)));
                    if (since == 0 || now - since < TimeUnit.SECONDS.toNanos(5)) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONVERGE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not reached in " + CONVERGE_SECONDS + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    static String serializableValue(EtcdServer m, String key) {
        RangeResponse r = await(m.range(RangeRequest.newBuilder().setKey(TestMembers.bytes(key)).setSerializable(true)
                .build(), RequestContext.NONE));
        KeyValue kv = r.getKvsCount() == 0 ? null : r.getKvs(0);
        return kv == null ? null : kv.getValue().toStringUtf8();
    }

    @Override
    public void close() {
        for (int i = 0; i < running.size(); i++) {
            stop(i);
        }
    }
}
