package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.get;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.HashKVRequest;
import io.etcdj.api.etcdserverpb.HashKVResponse;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.server.config.ConfigParser;
import io.etcdj.server.config.EtcdConfig;
import io.etcdj.server.config.ParseResult;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static cluster of three members in one JVM, talking over the grpc peer transport on loopback:
 * election, writes through any member, linearizable reads everywhere, fail-over when the leader
 * stops, and catch-up of a restarted member from the leader's log.
 */
class ClusterTest {
    /** Bound on every wait for the cluster to reach a state (not a timing assertion). */
    private static final long CONVERGE_SECONDS = 60;

    @TempDir
    Path dir;

    private final List<EtcdConfig> configs = new ArrayList<>();
    /** The running members by index into {@link #configs}; null when stopped. */
    private final EtcdServer[] members = new EtcdServer[3];

    @AfterEach
    void closeAll() {
        for (EtcdServer m : members) {
            if (m != null) {
                m.close();
            }
        }
    }

    /** Three members with distinct loopback ports and data dirs; heartbeat 50 ms, election 500 ms. */
    private void configure(String store) {
        List<String> peers = new ArrayList<>();
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            String peer = "http://127.0.0.1:" + TestMembers.freePort();
            peers.add(peer);
            initial.append(i == 0 ? "" : ",").append("m").append(i).append('=').append(peer);
        }
        for (int i = 0; i < 3; i++) {
            String client = "http://127.0.0.1:" + TestMembers.freePort();
            ParseResult parsed = ConfigParser.parse(new String[] {
                    "--name", "m" + i,
                    "--data-dir", dir.resolve("m" + i).toString(),
                    "--store", store,
                    "--listen-peer-urls", peers.get(i),
                    "--initial-advertise-peer-urls", peers.get(i),
                    "--initial-cluster", initial.toString(),
                    "--initial-cluster-state", "new",
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--heartbeat-interval", "50",
                    "--election-timeout", "500"}, Map.of());
            configs.add(assertInstanceOf(ParseResult.Run.class, parsed, () -> "flags refused: " + parsed).config());
        }
    }

    private EtcdServer start(int i) throws Exception {
        members[i] = Bootstrap.start(configs.get(i)).server();
        return members[i];
    }

    private static long memberId(EtcdServer m) {
        return await(m.status(StatusRequest.getDefaultInstance(), RequestContext.NONE)).getHeader().getMemberId();
    }

    private static long leaderSeenBy(EtcdServer m) {
        return await(m.status(StatusRequest.getDefaultInstance(), RequestContext.NONE)).getLeader();
    }

    /** Waits until every running member names the same leader, itself running; returns its index. */
    private int awaitLeader() throws InterruptedException {
        int[] leader = {-1};
        awaitTrue("one leader known to every running member", () -> {
            Set<Long> seen = new HashSet<>();
            for (EtcdServer m : members) {
                if (m != null) {
                    seen.add(leaderSeenBy(m));
                }
            }
            if (seen.size() != 1) {
                return false;
            }
            long id = seen.iterator().next();
            for (int i = 0; i < members.length; i++) {
                if (members[i] != null && memberId(members[i]) == id) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONVERGE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not reached in " + CONVERGE_SECONDS + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static KeyValue serializableGet(EtcdServer m, String key) {
        RangeResponse r = await(m.range(RangeRequest.newBuilder().setKey(bytes(key)).setSerializable(true).build(),
                RequestContext.NONE));
        return r.getKvsCount() == 0 ? null : r.getKvs(0);
    }

    private static String value(KeyValue kv) {
        return kv == null ? null : kv.getValue().toStringUtf8();
    }

    private static int anyOther(int... excluded) {
        for (int i = 0; i < 3; i++) {
            final int candidate = i;
            if (java.util.Arrays.stream(excluded).noneMatch(x -> x == candidate)) {
                return i;
            }
        }
        throw new AssertionError("no member left");
    }

    @Test
    void threeMembersElectReplicateFailOverAndCatchUp() throws Exception {
        configure("rocks");
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        // Published before a leader exists: publish must retry through "no leader" until it applies.
        List<java.util.concurrent.CompletableFuture<Void>> published = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            published.add(members[i].publish("m" + i, List.of("http://127.0.0.1:1")));
        }
        for (var f : published) {
            await(f);
        }
        int leader = awaitLeader();
        int follower = anyOther(leader);
        long ids = java.util.Arrays.stream(members).mapToLong(ClusterTest::memberId).distinct().count();
        assertEquals(3, ids, "three distinct member IDs");
        assertEquals(3, await(members[follower].memberList(
                io.etcdj.api.etcdserverpb.MemberListRequest.getDefaultInstance(), RequestContext.NONE)).getMembersCount());

        // Writes through the leader and through a follower (forwarded), read linearizably everywhere.
        long r1 = put(members[leader], "a", "from-leader").getHeader().getRevision();
        long r2 = put(members[follower], "b", "from-follower").getHeader().getRevision();
        assertTrue(r2 > r1, "revisions grow across members");
        for (EtcdServer m : members) {
            assertEquals("from-leader", value(get(m, "a")));
            KeyValue b = get(m, "b");
            assertEquals("from-follower", value(b));
            assertEquals(r2, b.getModRevision());
        }
        // Serializable reads are local: every member converges on the last write.
        for (EtcdServer m : members) {
            awaitTrue("serializable read sees b", () -> "from-follower".equals(value(serializableGet(m, "b"))));
        }

        // The leader stops: the other two elect a new one and keep taking writes.
        members[leader].close();
        members[leader] = null;
        int newLeader = awaitLeader();
        assertNotEquals(leader, newLeader);
        int survivor = anyOther(leader, newLeader);
        put(members[newLeader], "c", "after-failover");
        for (int i = 0; i < 20; i++) {
            put(members[survivor], "d", "v" + i);
        }
        assertEquals("v19", value(get(members[newLeader], "d")));
        assertEquals("after-failover", value(get(members[survivor], "c")));

        // The old leader restarts from its data dir and catches up from the new leader's log.
        EtcdServer back = start(leader);
        awaitLeader();  // the returning member learns who leads before it is asked to read
        long last = put(members[newLeader], "e", "after-restart").getHeader().getRevision();
        assertEquals("after-restart", value(get(back, "e")), "a linearizable read on the restarted member");
        awaitTrue("restarted member applied everything",
                () -> "after-restart".equals(value(serializableGet(back, "e"))));
        assertEquals("v19", value(serializableGet(back, "d")));
        Set<Integer> hashes = new HashSet<>();
        for (EtcdServer m : members) {
            HashKVResponse h = await(m.hashKV(HashKVRequest.newBuilder().setRevision(last).build(), RequestContext.NONE));
            assertEquals(last, h.getHeader().getRevision(), "every member is at the same revision");
            hashes.add(h.getHash());
        }
        assertEquals(1, hashes.size(), "the same data on all three members: " + hashes);
    }

    @Test
    void withoutAQuorumRequestsFailWithNoLeaderInsteadOfHanging() throws Exception {
        configure("lmdb");
        EtcdServer alone = start(0);
        // One member of three can never win an election (pre-vote needs a quorum): it knows no leader.
        assertEquals(0L, leaderSeenBy(alone));
        assertEquals(EtcdError.NO_LEADER, errorOf(alone.put(PutRequest.newBuilder().setKey(bytes("k"))
                .setValue(bytes("v")).build(), RequestContext.NONE)));
        assertEquals(EtcdError.NO_LEADER, errorOf(alone.range(RangeRequest.newBuilder().setKey(bytes("k")).build(),
                RequestContext.NONE)));
        assertNotNull(await(alone.range(RangeRequest.newBuilder().setKey(bytes("k")).setSerializable(true).build(),
                RequestContext.NONE)), "a serializable read needs no leader");

        // Once a second member starts, the two form a quorum and the writes go through.
        EtcdServer second = start(1);
        awaitLeader();
        put(alone, "k", "v");
        assertEquals("v", value(get(second, "k")));
    }
}
