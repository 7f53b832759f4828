package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Elections beyond the paper: pre-vote, check-quorum and leader stickiness, and the term rules they need. */
class ElectionTest {

    private static void tick(Network n, long id, int ticks) {
        Raft r = n.peer(id);
        for (int i = 0; i < ticks; i++) {
            r.tick();
        }
        n.send(readMessages(r).toArray(new Message[0]));
    }

    // ---- pre-vote

    /** A pre-candidate asks for votes for term + 1 without moving its own term or vote. */
    @Test
    void preCampaignDoesNotChangeTermOrVote() {
        Raft r = new Raft(config(1, storageWith(ids(1, 2, 3), new long[0]), 10, 1).withPreVote(true));
        r.step(hup(1));
        assertEquals(RaftRole.PRE_CANDIDATE, r.role);
        assertEquals(0, r.term);
        assertEquals(Raft.NONE, r.vote);
        List<Message> msgs = readMessages(r);
        assertEquals(2, msgs.size());
        for (Message m : msgs) {
            assertEquals(MessageType.MsgPreVote, m.getType());
            assertEquals(1, m.getTerm(), "pre-votes name the term the node would campaign in");
        }
        r.step(msg(MessageType.MsgPreVoteResp, 2, 1).setTerm(1).build());
        assertEquals(RaftRole.CANDIDATE, r.role, "a pre-vote quorum starts the real election");
        assertEquals(1, r.term);
        assertEquals(1, r.vote);
    }

    /** A pre-vote quorum of rejections sends the pre-candidate back to follower in its unchanged term. */
    @Test
    void lostPreCampaignLeavesNoTrace() {
        Raft r = new Raft(config(1, storageWith(ids(1, 2, 3), new long[0]), 10, 1).withPreVote(true));
        r.step(hup(1));
        readMessages(r);
        r.step(msg(MessageType.MsgPreVoteResp, 2, 1).setTerm(0).setReject(true).build());
        r.step(msg(MessageType.MsgPreVoteResp, 3, 1).setTerm(0).setReject(true).build());
        assertEquals(RaftRole.FOLLOWER, r.role);
        assertEquals(0, r.term);
    }

    /** Granting a pre-vote records no vote: the voter may still vote for someone else in that term. */
    @Test
    void grantingAPreVoteIsNotAVote() {
        Raft r = new Raft(config(2, storageWith(ids(1, 2, 3), new long[0]), 10, 1).withPreVote(true));
        r.step(msg(MessageType.MsgPreVote, 1, 2).setTerm(1).build());
        Message resp = readMessages(r).get(0);
        assertEquals(MessageType.MsgPreVoteResp, resp.getType());
        assertFalse(resp.getReject());
        assertEquals(1, resp.getTerm(), "the answer carries the requested term");
        assertEquals(0, r.term);
        assertEquals(Raft.NONE, r.vote);
        r.step(msg(MessageType.MsgVote, 3, 2).setTerm(1).build());
        assertFalse(readMessages(r).get(0).getReject());
        assertEquals(3, r.vote);
    }

    /**
     * Thesis §9.6: a node partitioned away cannot win pre-votes, so its term does not run ahead, and
     * when it rejoins it does not depose the working leader.
     */
    @Test
    void partitionedNodeWithPreVoteDoesNotDisruptOnRejoin() {
        Network n = Network.fresh(3, preVote());
        n.send(hup(1));
        assertEquals(RaftRole.LEADER, n.peer(1).role);
        n.isolate(3);
        for (int i = 0; i < 5; i++) {
            tick(n, 3, 30);
        }
        assertEquals(1, n.peer(3).term, "pre-votes fail in isolation: the term stays");
        assertEquals(RaftRole.PRE_CANDIDATE, n.peer(3).role);
        n.send(prop(1, "while 3 was away"));
        n.recover();
        tick(n, 3, 30);  // it pre-campaigns again; the others have a leader, or a longer log
        n.send(beat(1));
        assertEquals(RaftRole.LEADER, n.peer(1).role);
        assertEquals(1, n.peer(1).term);
        assertEquals(RaftRole.FOLLOWER, n.peer(3).role);
        assertEquals(n.peer(1).log.lastIndex(), n.peer(3).log.lastIndex());
    }

    /** Without pre-vote, the same rejoining node bumps everyone's term and forces a new election. */
    @Test
    void withoutPreVoteARejoiningNodeDisrupts() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        n.isolate(3);
        tick(n, 3, 30);
        long isolatedTerm = n.peer(3).term;
        assertTrue(isolatedTerm > 1);
        n.recover();
        n.send(beat(1));  // 3 answers with its higher term: the leader steps down
        assertNotEquals(RaftRole.LEADER, n.peer(1).role);
        assertEquals(isolatedTerm, n.peer(1).term);
    }

    // ---- check-quorum and stickiness

    /** A leader that hears from no quorum for an election timeout steps down. */
    @Test
    void leaderStepsDownWithoutAnActiveQuorum() {
        Network n = Network.fresh(3, checkQuorum());
        n.send(hup(1));
        Raft leader = n.peer(1);
        assertEquals(RaftRole.LEADER, leader.role);
        n.isolate(1);
        for (int i = 0; i < 2 * 10 + 1; i++) {
            leader.tick();
            n.send(readMessages(leader).toArray(new Message[0]));
        }
        assertEquals(RaftRole.FOLLOWER, leader.role);
        assertEquals(1, leader.term, "stepping down does not move the term");
    }

    /** A leader whose followers answer keeps leading across many check-quorum rounds. */
    @Test
    void leaderWithAnActiveQuorumStays() {
        Network n = Network.fresh(3, checkQuorum());
        n.send(hup(1));
        for (int i = 0; i < 100; i++) {
            tick(n, 1, 1);
        }
        assertEquals(RaftRole.LEADER, n.peer(1).role);
    }

    /** Thesis §4.2.3: while a follower hears from its leader, it ignores vote requests of a higher term. */
    @Test
    void followerInLeaseIgnoresVoteRequests() {
        Network n = Network.fresh(3, checkQuorum());
        n.send(hup(1));
        Raft follower = n.peer(2);
        follower.step(msg(MessageType.MsgVote, 3, 2).setTerm(5).setIndex(10).setLogTerm(5).build());
        assertEquals(1, follower.term, "the term is not bumped");
        assertTrue(readMessages(follower).isEmpty(), "not even a rejection");
        // Once the lease expired (no leader for an election timeout) the request is heard.
        for (int i = 0; i < 10; i++) {
            follower.tick();
        }
        readMessages(follower);
        follower.step(msg(MessageType.MsgVote, 3, 2).setTerm(5).setIndex(10).setLogTerm(5).build());
        assertEquals(5, follower.term);
        assertFalse(readMessages(follower).get(0).getReject());
    }

    /**
     * With check-quorum (no pre-vote), a candidate whose term ran ahead is ignored by followers in
     * their lease, so it could stay a candidate forever; instead it answers the old leader's
     * heartbeats with its term, the old leader steps down, and a new election frees it.
     */
    @Test
    void stuckCandidateIsFreedWithCheckQuorum() {
        Network n = Network.fresh(3, checkQuorum());
        n.send(hup(1));
        n.isolate(1);
        n.cut(2, 3);
        tick(n, 3, 30);
        tick(n, 3, 30);
        n.recover();
        n.isolate(1);
        n.send(msg(MessageType.MsgVote, 3, 2).setTerm(n.peer(3).term).setIndex(1).setLogTerm(1).build());
        assertEquals(RaftRole.CANDIDATE, n.peer(3).role);
        long candidateTerm = n.peer(3).term;
        assertEquals(RaftRole.FOLLOWER, n.peer(2).role);
        assertEquals(1, n.peer(2).term, "2 still hears from its leader's lease: it ignored 3's requests");
        n.recover();
        // The old leader's heartbeat reaches 3, which answers with its higher term: the leader steps down.
        n.send(beat(1));
        assertEquals(RaftRole.FOLLOWER, n.peer(1).role);
        assertEquals(candidateTerm, n.peer(1).term);
        // A new election at the higher term succeeds.
        tick(n, 1, 30);
        assertTrue(n.peers.values().stream().anyMatch(r -> r.role == RaftRole.LEADER));
    }

    /** A leader of an older term that sends appends learns the newer term (with check-quorum or pre-vote). */
    @Test
    void staleLeaderIsToldTheNewerTerm() {
        Raft r = new Raft(config(2, storageWith(ids(1, 2, 3), new long[0]), 10, 1).withCheckQuorum(true));
        r.becomeFollower(5, 3);
        r.step(msg(MessageType.MsgHeartbeat, 1, 2).setTerm(3).build());
        List<Message> msgs = readMessages(r);
        assertEquals(1, msgs.size());
        assertEquals(MessageType.MsgAppResp, msgs.get(0).getType());
        assertEquals(5, msgs.get(0).getTerm());
    }

    /** A pre-vote from a node with a stale term is answered with a rejection naming our term. */
    @Test
    void stalePreVoteIsRejectedWithOurTerm() {
        Raft r = new Raft(config(2, storageWith(ids(1, 2, 3), new long[0]), 10, 1).withPreVote(true));
        r.becomeFollower(5, Raft.NONE);
        r.step(msg(MessageType.MsgPreVote, 1, 2).setTerm(3).build());
        Message resp = readMessages(r).get(0);
        assertEquals(MessageType.MsgPreVoteResp, resp.getType());
        assertTrue(resp.getReject());
        assertEquals(5, resp.getTerm());
    }

    /** A candidate only counts answers of its own kind of campaign (pre-vote answers do not elect a candidate). */
    @Test
    void candidateIgnoresPreVoteAnswers() {
        Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
        r.step(hup(1));
        assertEquals(RaftRole.CANDIDATE, r.role);
        r.step(msg(MessageType.MsgPreVoteResp, 2, 1).setTerm(r.term).build());
        assertEquals(RaftRole.CANDIDATE, r.role);
        r.step(msg(MessageType.MsgVoteResp, 2, 1).setTerm(r.term).build());
        assertEquals(RaftRole.LEADER, r.role);
    }

    /** A vote answer is counted once per voter, however often the network delivers it. */
    @Test
    void duplicatedVoteIsCountedOnce() {
        Raft r = newRaft(1, ids(1, 2, 3, 4, 5), 10, 1);
        r.step(hup(1));
        Message grant = msg(MessageType.MsgVoteResp, 2, 1).setTerm(r.term).build();
        r.step(grant);
        r.step(grant);
        r.step(grant);
        assertEquals(RaftRole.CANDIDATE, r.role, "2 of 5 is not a quorum, duplicates or not");
    }

    /** A node does not campaign while a committed conf change is not applied yet. */
    @Test
    void noCampaignWithAnUnappliedConfChange() {
        MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
        s.append(List.of(io.etcdj.api.raftpb.Entry.newBuilder().setIndex(1).setTerm(1)
                .setType(io.etcdj.api.raftpb.EntryType.EntryConfChange)
                .setData(cc(io.etcdj.api.raftpb.ConfChangeType.ConfChangeAddNode, 4).toByteString()).build()));
        s.setHardState(hardState(1, 0, 1));
        Raft r = newRaft(1, 10, 1, s);
        r.step(hup(1));
        assertEquals(RaftRole.FOLLOWER, r.role);
        r.log.appliedTo(1);
        r.step(hup(1));
        assertEquals(RaftRole.CANDIDATE, r.role);
    }
}
