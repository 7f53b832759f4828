package io.etcdj.server;

import static io.etcdj.server.TestCluster.awaitTrue;
import static io.etcdj.server.TestCluster.memberId;
import static io.etcdj.server.TestCluster.serializableValue;
import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.Member;
import io.etcdj.api.etcdserverpb.MemberAddRequest;
import io.etcdj.api.etcdserverpb.MemberAddResponse;
import io.etcdj.api.etcdserverpb.MemberListRequest;
import io.etcdj.api.etcdserverpb.MemberPromoteRequest;
import io.etcdj.api.etcdserverpb.MemberRemoveRequest;
import io.etcdj.api.etcdserverpb.MemberUpdateRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run-time membership changes on an in-process cluster: etcd's errors for every invalid change,
 * the strict reconfiguration checks, and a removed member stopping by itself while the rest go on.
 */
class MembershipChangeTest {
    private static final List<Integer> FIRST_THREE = List.of(0, 1, 2);

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<Member> list(EtcdServer m) {
        return await(m.memberList(MemberListRequest.getDefaultInstance(), RequestContext.NONE)).getMembersList();
    }

    private static MemberAddRequest add(String url, boolean learner) {
        return MemberAddRequest.newBuilder().addPeerURLs(url).setIsLearner(learner).build();
    }

    @Test
    void invalidChangesGetEtcdsErrorsAndChangeNothing() throws Exception {
        cluster = new TestCluster(dir, "rocks");
        cluster.startNew(3);
        int leader = cluster.awaitLeader(FIRST_THREE);
        cluster.awaitReconfigurable(leader, FIRST_THREE);
        int follower = (leader + 1) % 3;
        EtcdServer l = cluster.server(leader);
        EtcdServer f = cluster.server(follower);

        assertEquals(EtcdError.MEMBER_BAD_URLS, errorOf(f.memberAdd(add("127.0.0.1:2380", false), RequestContext.NONE)));
        assertEquals(EtcdError.MEMBER_BAD_URLS, errorOf(f.memberAdd(add("http://127.0.0.1:2380/path", false),
                RequestContext.NONE)));
        assertEquals(EtcdError.PEER_URL_EXIST, errorOf(f.memberAdd(add(cluster.peerUrl(leader), false),
                RequestContext.NONE)), "a peer URL of a member is refused when the change applies");
        assertEquals(EtcdError.MEMBER_NOT_FOUND, errorOf(f.memberRemove(
                MemberRemoveRequest.newBuilder().setID(0x1234).build(), RequestContext.NONE)));
        assertEquals(EtcdError.MEMBER_NOT_FOUND, errorOf(f.memberUpdate(MemberUpdateRequest.newBuilder()
                .setID(0x1234).addPeerURLs("http://127.0.0.1:1").build(), RequestContext.NONE)));
        assertEquals(EtcdError.PEER_URL_EXIST, errorOf(l.memberUpdate(MemberUpdateRequest.newBuilder()
                .setID(memberId(f)).addPeerURLs(cluster.peerUrl(leader)).build(), RequestContext.NONE)));
        assertEquals(EtcdError.MEMBER_NOT_LEARNER, errorOf(l.memberPromote(
                MemberPromoteRequest.newBuilder().setID(memberId(f)).build(), RequestContext.NONE)));
        assertEquals(3, list(l).size());

        // A learner that never starts: counted against the limit of one, and never in sync to promote.
        MemberAddResponse learner = await(f.memberAdd(add("http://127.0.0.1:" + TestMembers.freePort(), true),
                RequestContext.NONE));
        assertTrue(learner.getMember().getIsLearner());
        assertEquals(4, learner.getMembersCount());
        assertEquals(EtcdError.TOO_MANY_LEARNERS, errorOf(f.memberAdd(
                add("http://127.0.0.1:" + TestMembers.freePort(), true), RequestContext.NONE)));
        assertEquals(EtcdError.LEARNER_NOT_READY, errorOf(l.memberPromote(
                MemberPromoteRequest.newBuilder().setID(learner.getMember().getID()).build(), RequestContext.NONE)));
        // Removing a learner needs no quorum check; its ID can never be used again.
        assertEquals(3, await(f.memberRemove(MemberRemoveRequest.newBuilder().setID(learner.getMember().getID()).build(),
                RequestContext.NONE)).getMembersCount());
        assertEquals(EtcdError.MEMBER_NOT_FOUND, errorOf(f.memberRemove(
                MemberRemoveRequest.newBuilder().setID(learner.getMember().getID()).build(), RequestContext.NONE)));
        for (int i : FIRST_THREE) {
            int slot = i;
            awaitTrue("member " + slot + " applied the removal", () -> list(cluster.server(slot)).size() == 3);
        }
        // Writes still work after all of it.
        put(f, "k", "v");
        awaitTrue("replicated", () -> "v".equals(serializableValue(cluster.server(leader), "k")));
    }

    @Test
    void strictReconfigCheckProtectsTheQuorumButLetsADownMemberGo() throws Exception {
        cluster = new TestCluster(dir, "lmdb");
        cluster.startNew(3);
        int leader = cluster.awaitLeader(FIRST_THREE);
        int down = (leader + 1) % 3;
        EtcdServer l = cluster.server(leader);
        // A cluster that just started is "unhealthy" for reconfiguration for 5 s, as etcd's is.
        assertEquals(EtcdError.UNHEALTHY, errorOf(l.memberAdd(add("http://127.0.0.1:" + TestMembers.freePort(), false),
                RequestContext.NONE)));
        cluster.awaitReconfigurable(leader, FIRST_THREE);
        long downId = memberId(cluster.server(down));
        cluster.stop(down);
        // Once the leader notices it no longer hears from one voter, adding a voter could break the quorum.
        awaitTrue("the leader sees the member gone", () -> cluster.started(leader).raft().peerActiveSince(downId) == 0);
        assertEquals(EtcdError.UNHEALTHY, errorOf(l.memberAdd(add("http://127.0.0.1:" + TestMembers.freePort(), false),
                RequestContext.NONE)));
        assertEquals(3, list(l).size(), "nothing was added");
        // Removing the member that is down is safe: it is not part of the active quorum.
        assertEquals(2, await(l.memberRemove(MemberRemoveRequest.newBuilder().setID(downId).build(),
                RequestContext.NONE)).getMembersCount());
        int other = 3 - leader - down;
        awaitTrue("the other member applied it", () -> list(cluster.server(other)).size() == 2);
        // Two of two now form the quorum: writes go on.
        put(cluster.server(other), "after", "removal");
        assertEquals("removal", serializableValue(l, "after"));
    }

    @Test
    void aRemovedMemberStopsItselfAndTheOthersCarryOn() throws Exception {
        cluster = new TestCluster(dir, "rocks");
        cluster.startNew(3);
        int leader = cluster.awaitLeader(FIRST_THREE);
        cluster.awaitReconfigurable(leader, FIRST_THREE);
        int victim = (leader + 2) % 3;
        long victimId = memberId(cluster.server(victim));
        Bootstrap.Started removed = cluster.started(victim);
        var remaining = await(cluster.server(leader).memberRemove(MemberRemoveRequest.newBuilder().setID(victimId).build(),
                RequestContext.NONE)).getMembersList();
        assertEquals(2, remaining.size());
        assertFalse(remaining.stream().anyMatch(m -> m.getID() == victimId));
        awaitTrue("the removed member stopped its raft loop", () -> removed.raft().terminated().isDone());
        assertTrue(removed.raft().removed(), "it stopped because it was removed");
        cluster.stop(victim);
        int other = 3 - leader - victim;
        put(cluster.server(other), "k", "after-removal");
        assertEquals("after-removal", serializableValue(cluster.server(leader), "k"));

        // Removing the leader itself: it steps down and stops, the survivor... cannot elect alone in a
        // group of one? It can: the group is now just the other member, which becomes leader.
        long leaderId = memberId(cluster.server(leader));
        Bootstrap.Started oldLeader = cluster.started(leader);
        await(cluster.server(other).memberRemove(MemberRemoveRequest.newBuilder().setID(leaderId).build(),
                RequestContext.NONE));
        awaitTrue("the removed leader stopped", () -> oldLeader.raft().terminated().isDone());
        assertTrue(oldLeader.raft().removed());
        cluster.stop(leader);
        awaitTrue("the last member leads", () -> TestCluster.leaderSeenBy(cluster.server(other))
                == memberId(cluster.server(other)));
        put(cluster.server(other), "k", "alone");
        assertNotEquals(leaderId, memberId(cluster.server(other)));
        assertEquals(1, list(cluster.server(other)).size());
    }

    @Test
    void moveLeaderHandsLeadershipToAVoter() throws Exception {
        cluster = new TestCluster(dir, "rocks");
        cluster.startNew(3);
        int leader = cluster.awaitLeader(FIRST_THREE);
        int target = (leader + 1) % 3;
        long targetId = memberId(cluster.server(target));
        var move = io.etcdj.api.etcdserverpb.MoveLeaderRequest.newBuilder().setTargetID(targetId).build();
        assertEquals(EtcdError.NOT_LEADER, errorOf(cluster.server(target).moveLeader(move, RequestContext.NONE)));
        assertEquals(EtcdError.BAD_LEADER_TRANSFEREE, errorOf(cluster.server(leader).moveLeader(
                io.etcdj.api.etcdserverpb.MoveLeaderRequest.newBuilder().setTargetID(0x42).build(), RequestContext.NONE)));
        await(cluster.server(leader).moveLeader(move, RequestContext.NONE));
        assertEquals(target, cluster.awaitLeader(FIRST_THREE), "the target leads once MoveLeader returns");
        put(cluster.server(leader), "k", "after-move");
        assertEquals("after-move", serializableValue(cluster.server(target), "k"));
    }

    @Test
    void aNewMemberJoinsAsLearnerIsPromotedThroughAFollowerAndServes() throws Exception {
        cluster = new TestCluster(dir, "rocks");
        cluster.startNew(3);
        int leader = cluster.awaitLeader(FIRST_THREE);
        cluster.awaitReconfigurable(leader, FIRST_THREE);
        int follower = (leader + 1) % 3;
        put(cluster.server(leader), "before", "join");
        int slot = cluster.newSlot();
        MemberAddResponse added = await(cluster.server(follower).memberAdd(add(cluster.peerUrl(slot), true),
                RequestContext.NONE));
        long id = added.getMember().getID();
        List<Integer> all = List.of(0, 1, 2, slot);
        // Started as etcd's member add tells: the whole cluster, state existing; its ID comes from the cluster.
        EtcdServer joined = cluster.start(slot, all, "existing");
        assertEquals(id, memberId(joined));
        awaitTrue("the learner caught up", () -> "join".equals(serializableValue(joined, "before")));
        // What clients reach of a learner: serializable reads and status only (etcd's learner rules).
        var guarded = LearnerGuard.wrap(joined, joined::isLearner);
        assertEquals(EtcdError.NOT_SUPPORTED_FOR_LEARNER, errorOf(guarded.range(io.etcdj.api.etcdserverpb.RangeRequest
                .newBuilder().setKey(TestMembers.bytes("before")).build(), RequestContext.NONE)));
        assertEquals(EtcdError.NOT_SUPPORTED_FOR_LEARNER, errorOf(guarded.put(io.etcdj.api.etcdserverpb.PutRequest
                .newBuilder().setKey(TestMembers.bytes("x")).build(), RequestContext.NONE)));
        assertEquals(1, await(guarded.range(io.etcdj.api.etcdserverpb.RangeRequest.newBuilder()
                .setKey(TestMembers.bytes("before")).setSerializable(true).build(), RequestContext.NONE)).getKvsCount());
        await(guarded.status(io.etcdj.api.etcdserverpb.StatusRequest.getDefaultInstance(), RequestContext.NONE));
        org.junit.jupiter.api.Assertions.assertThrows(io.etcdj.spi.server.EtcdException.class,
                () -> guarded.watch(RequestContext.NONE));
        await(joined.publish("m" + slot, List.of("http://127.0.0.1:1")));
        // Promotion asked of a follower is forwarded to the leader, which judges the learner in sync.
        awaitTrue("promoted", () -> {
            try {
                cluster.server(follower).memberPromote(MemberPromoteRequest.newBuilder().setID(id).build(),
                        RequestContext.NONE).get(TestMembers.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.ExecutionException e) {
                // Until the learner has 90 % of the leader's log, etcd's error; anything else fails the test.
                assertEquals(EtcdError.LEARNER_NOT_READY, ((io.etcdj.spi.server.EtcdException) e.getCause()).error());
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(list(cluster.server(leader)).stream().filter(m -> m.getID() == id).noneMatch(Member::getIsLearner));
        awaitTrue("no longer a learner", () -> !joined.isLearner());
        put(guarded, "via-new-member", "v");
        assertEquals("v", serializableValue(cluster.server(leader), "via-new-member"));
        assertEquals(4, list(joined).size());
    }
}
