package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Membership changes one node at a time: add, remove, learners and their promotion, removing the leader. */
class MembershipTest {

    /** Only one change may be pending: a second one is refused until the first is applied. */
    @Test
    void oneConfChangeAtATime() {
        Raft r = newRaft(1, ids(1, 2), 10, 1);
        becomeLeader(r);  // no-op at 1
        r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 3));
        assertEquals(2, r.pendingConfIndex);
        assertThrows(ProposalDroppedException.class, () -> r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 4)));
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(2).build());
        r.log.appliedTo(1);
        assertThrows(ProposalDroppedException.class, () -> r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 4)),
                "committed is not enough: it must be applied");
        r.log.appliedTo(2);
        r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 4));
        assertEquals(3, r.pendingConfIndex);
    }

    /** A new leader does not know whether its log holds an unapplied change: it waits until all of it is applied. */
    @Test
    void newLeaderWaitsForItsLogToBeApplied() {
        MemoryRaftStorage s = storageWith(ids(1, 2), new long[0]);
        s.append(entriesWithTerms(1, 1));
        s.setHardState(hardState(1, 0, 2));
        Raft r = newRaft(1, 10, 1, s);
        becomeLeader(r);
        assertEquals(2, r.pendingConfIndex);
        assertThrows(ProposalDroppedException.class, () -> r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 3)));
        r.log.appliedTo(2);
        r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 3));
    }

    /** A forwarded change that cannot be taken becomes an empty entry (its proposer cannot be told). */
    @Test
    void refusedForwardedChangeBecomesANoOp() {
        Raft r = newRaft(1, ids(1, 2), 10, 1);
        becomeLeader(r);
        r.step(propConfChange(1, ConfChangeType.ConfChangeAddNode, 3));
        Message forwarded = propConfChange(1, ConfChangeType.ConfChangeAddNode, 4).toBuilder().setFrom(2).build();
        r.step(forwarded);
        Entry last = r.log.entriesFrom(r.log.lastIndex(), Long.MAX_VALUE).get(0);
        assertEquals(EntryType.EntryNormal, last.getType());
        assertTrue(last.getData().isEmpty());
        assertEquals(2, r.pendingConfIndex, "the refused change is not pending");
    }

    @Test
    void addNodeAndRemoveNode() {
        Raft r = newRaft(1, ids(1, 2), 10, 1);
        ConfState cs = r.applyConfChange(cc(ConfChangeType.ConfChangeAddNode, 3));
        assertEquals(List.of(1L, 2L, 3L), cs.getVotersList());
        assertEquals(cs, r.applyConfChange(cc(ConfChangeType.ConfChangeAddNode, 3)), "adding a voter again changes nothing");
        cs = r.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 2));
        assertEquals(List.of(1L, 3L), cs.getVotersList());
        assertNull(r.tracker.progress(2));
        cs = r.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 9));
        assertEquals(List.of(1L, 3L), cs.getVotersList(), "removing a stranger changes nothing");
    }

    /** The last voter cannot be removed or demoted: every member ignores such a change alike. */
    @Test
    void lastVoterStays() {
        Raft r = newRaft(1, ids(1), 10, 1);
        assertEquals(List.of(1L), r.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 1)).getVotersList());
        assertEquals(List.of(1L), r.applyConfChange(cc(ConfChangeType.ConfChangeAddLearnerNode, 1)).getVotersList());
    }

    /** Removing a slow voter can commit more: the smaller quorum already holds it. */
    @Test
    void removingAVoterCanAdvanceTheCommitIndex() {
        Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
        becomeLeader(r);
        r.step(prop(1, "x"));
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(2).build());
        assertEquals(2, r.log.committed);
        r.step(prop(1, "y"));
        readMessages(r);
        assertEquals(2, r.log.committed, "3 entries on the leader only");
        r.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 2));
        r.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 3));
        assertEquals(3, r.log.committed, "the leader alone is the quorum now");
        assertTrue(readMessages(r).isEmpty(), "no one left to tell");
    }

    /** A learner gets the log but neither votes towards commit nor campaigns. */
    @Test
    void learnerReplicatesButDoesNotCountOrCampaign() {
        Network n = new Network();
        n.peers.put(1L, newLearnerRaft(1, ids(1), ids(2), 10, 1));
        n.peers.put(2L, newLearnerRaft(2, ids(1), ids(2), 10, 1));
        Raft learner = n.peer(2);
        tickUntilElection(learner);
        assertEquals(RaftRole.FOLLOWER, learner.role, "a learner does not campaign");
        assertTrue(readMessages(learner).isEmpty());
        n.send(hup(1));
        assertEquals(RaftRole.LEADER, n.peer(1).role, "the single voter elects itself");
        n.send(prop(1, "data"));
        assertEquals(n.peer(1).log.lastIndex(), learner.log.lastIndex());
        assertEquals(n.peer(1).log.committed, learner.log.committed);
        // Commit needs no learner: cut it off and the leader still commits.
        n.isolate(2);
        n.send(prop(1, "more"));
        assertEquals(n.peer(1).log.lastIndex(), n.peer(1).log.committed);
    }

    /** Promotion: a learner that applies AddNode for itself becomes a voter and may campaign. */
    @Test
    void promotedLearnerCampaigns() {
        Raft learner = newLearnerRaft(2, ids(1), ids(2), 10, 1);
        assertFalse(learner.promotable());
        learner.applyConfChange(cc(ConfChangeType.ConfChangeAddNode, 2));
        assertTrue(learner.promotable());
        assertEquals(List.of(1L, 2L), learner.confState().getVotersList());
        assertTrue(learner.confState().getLearnersList().isEmpty());
        tickUntilElection(learner);
        assertEquals(RaftRole.CANDIDATE, learner.role);
    }

    /** A learner asked for its vote gives it: a promotion it has not applied yet may make it a needed voter. */
    @Test
    void learnerVotesWhenAsked() {
        Raft learner = newLearnerRaft(2, ids(1), ids(2), 10, 1);
        learner.step(msg(MessageType.MsgVote, 1, 2).setTerm(2).setIndex(11).setLogTerm(11).build());
        Message resp = readMessages(learner).get(0);
        assertEquals(MessageType.MsgVoteResp, resp.getType());
        assertFalse(resp.getReject());
    }

    /** A new member is probed right away (from the leader's last index), not at the next heartbeat. */
    @Test
    void newMemberIsProbedAtOnce() {
        Raft r = newRaft(1, ids(1, 2), 10, 1);
        becomeLeader(r);
        r.replicator.bcastAppend();  // 2 is probed and waits for the answer
        readMessages(r);
        r.applyConfChange(cc(ConfChangeType.ConfChangeAddLearnerNode, 3));
        // Nothing new to send to 2; the new learner gets the last entry as a probe.
        List<Message> msgs = readMessages(r);
        assertEquals(1, msgs.size());
        assertEquals(3, msgs.get(0).getTo());
        assertEquals(MessageType.MsgApp, msgs.get(0).getType());
    }

    /**
     * A removed leader keeps replicating (the commit index of its removal must reach the others) but
     * takes no proposals, and hands leadership to the most caught-up voter.
     */
    @Test
    void removedLeaderHandsOverLeadership() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        Raft leader = n.peer(1);
        n.isolate(3);
        n.send(prop(1, "x"));  // 2 holds it, 3 does not: 2 is the most caught up
        n.recover();
        leader.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 1));
        assertEquals(RaftRole.LEADER, leader.role, "it keeps leading until the successor takes over");
        assertEquals(2, leader.leadTransferee);
        assertThrows(ProposalDroppedException.class, () -> leader.step(prop(1, "refused")));
        n.send(readMessages(leader).toArray(new Message[0]));
        assertEquals(RaftRole.LEADER, n.peer(2).role);
        assertEquals(2, n.peer(2).term);
        assertEquals(RaftRole.FOLLOWER, leader.role);
        assertEquals(2, n.peer(3).lead);
    }

    /** A removed leader whose successor does not answer tries again after an election timeout. */
    @Test
    void removedLeaderRetriesTheHandOver() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        Raft leader = n.peer(1);
        leader.applyConfChange(cc(ConfChangeType.ConfChangeRemoveNode, 1));
        assertEquals(2, leader.leadTransferee);
        n.isolate(2);
        n.send(readMessages(leader).toArray(new Message[0]));
        assertEquals(RaftRole.LEADER, leader.role);
        for (int i = 0; i < leader.electionTimeout; i++) {
            leader.tick();
        }
        assertEquals(2, leader.leadTransferee, "2 and 3 are equally caught up: 2 again, in ID order");
        assertTrue(readMessages(leader).stream().anyMatch(m -> m.getType() == MessageType.MsgTimeoutNow));
    }

    /** A tracker rebuilt from a snapshot's configuration has exactly its voters and learners. */
    @Test
    void configurationRestoresFromConfState() {
        Raft r = newLearnerRaft(1, ids(1, 2, 3), ids(4, 5), 10, 1);
        assertEquals(confState(ids(1, 2, 3), ids(4, 5)), r.confState());
        assertTrue(r.tracker.progress(4).isLearner());
        assertFalse(r.tracker.progress(2).isLearner());
    }
}
