package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import org.junit.jupiter.api.Test;

/** Leadership transfer (thesis §3.10): MsgTransferLeader to the leader, MsgTimeoutNow to the transferee. */
class LeaderTransferTest {

    private static Message transfer(long transferee, long leader) {
        return msg(MessageType.MsgTransferLeader, transferee, leader).build();
    }

    private static Network electedGroup() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        assertEquals(RaftRole.LEADER, n.peer(1).role);
        return n;
    }

    @Test
    void upToDateTransfereeTakesOverAtOnce() {
        Network n = electedGroup();
        n.send(transfer(2, 1));
        assertEquals(RaftRole.LEADER, n.peer(2).role);
        assertEquals(RaftRole.FOLLOWER, n.peer(1).role);
        assertEquals(2, n.peer(1).lead);
        assertEquals(2, n.peer(2).term);
    }

    /** A lagging transferee is caught up first; MsgTimeoutNow follows its acknowledgment of the last entry. */
    @Test
    void laggingTransfereeIsCaughtUpFirst() {
        Network n = electedGroup();
        n.isolate(3);
        n.send(prop(1, "a"));
        n.send(prop(1, "b"));
        n.recover();
        Raft leader = n.peer(1);
        leader.step(transfer(3, 1));
        java.util.List<Message> sent = readMessages(leader);
        assertEquals(3, leader.leadTransferee);
        assertTrue(sent.stream().noneMatch(m -> m.getType() == MessageType.MsgTimeoutNow), "not before 3 caught up");
        assertTrue(sent.stream().anyMatch(m -> m.getType() == MessageType.MsgApp && m.getTo() == 3));
        n.send(sent.toArray(new Message[0]));
        assertEquals(RaftRole.LEADER, n.peer(3).role);
        assertEquals(3, n.peer(1).lead);
        assertEquals(leader.log.lastIndex(), n.peer(3).log.lastIndex());
    }

    @Test
    void proposalsAreRefusedDuringATransfer() {
        Network n = electedGroup();
        n.isolate(3);
        n.send(transfer(3, 1));
        assertEquals(3, n.peer(1).leadTransferee);
        assertThrows(ProposalDroppedException.class, () -> n.peer(1).step(prop(1, "x")));
    }

    @Test
    void transferIsAbandonedAfterAnElectionTimeout() {
        Network n = electedGroup();
        n.isolate(3);
        n.send(transfer(3, 1));
        Raft leader = n.peer(1);
        for (int i = 0; i < leader.electionTimeout; i++) {
            leader.tick();
        }
        assertEquals(Raft.NONE, leader.leadTransferee);
        assertEquals(RaftRole.LEADER, leader.role);
        leader.step(prop(1, "accepted again"));
    }

    @Test
    void transferToSelfLearnerOrStrangerIsIgnored() {
        Raft r = newLearnerRaft(1, ids(1, 2), ids(3), 10, 1);
        becomeLeader(r);
        readMessages(r);
        r.step(transfer(1, 1));
        assertEquals(Raft.NONE, r.leadTransferee);
        r.step(transfer(3, 1));
        assertEquals(Raft.NONE, r.leadTransferee, "a learner cannot lead");
        r.step(transfer(9, 1));
        assertEquals(Raft.NONE, r.leadTransferee, "not a member");
        assertTrue(readMessages(r).isEmpty());
    }

    /** A second request for another transferee replaces the first; a repeat of the same one is ignored. */
    @Test
    void newTransfereeReplacesThePendingOne() {
        Network n = electedGroup();
        n.isolate(3);
        n.isolate(2);
        n.send(transfer(3, 1));
        assertEquals(3, n.peer(1).leadTransferee);
        n.send(transfer(3, 1));
        assertEquals(3, n.peer(1).leadTransferee);
        n.recover();
        n.send(transfer(2, 1));
        assertEquals(RaftRole.LEADER, n.peer(2).role);
    }

    /** The transferee's campaign bypasses the followers' leader lease (check-quorum) and pre-vote. */
    @Test
    void transferWorksWithCheckQuorumAndPreVote() {
        Network n = Network.fresh(3, c -> c.withCheckQuorum(true).withPreVote(true));
        n.send(hup(1));
        n.send(transfer(2, 1));
        assertEquals(RaftRole.LEADER, n.peer(2).role);
        assertEquals(2, n.peer(3).lead);
    }

    /** Through RawNode a follower can ask the leader to make it the leader; other requests are ignored. */
    @Test
    void followerRequestsLeadershipForItselfOnly() {
        Network n = electedGroup();
        Raft follower = n.peer(2);
        follower.step(transfer(2, 2));
        n.send(readMessages(follower).toArray(new Message[0]));
        assertEquals(RaftRole.LEADER, n.peer(2).role);
    }
}
