package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ReadIndex (thesis §6.4): a read point confirmed by a round of heartbeats, batched, forwarded by followers. */
class ReadIndexTest {

    private static Message readReq(long from, long to, String ctx) {
        return msg(MessageType.MsgReadIndex, from, to).addEntries(Entry.newBuilder().setData(ByteString.copyFromUtf8(ctx)))
                .build();
    }

    private static String ctx(Ready.ReadState rs) {
        return new String(rs.context(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The leader answers only after a quorum answered a heartbeat sent after the request. */
    @Test
    void leaderAnswersAfterAQuorumOfHeartbeatAnswers() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        Raft leader = n.peer(1);
        long commit = leader.log.committed;
        leader.step(readReq(1, 1, "r1"));
        assertTrue(leader.readStates.isEmpty(), "not before a heartbeat round");
        List<Message> beats = readMessages(leader);
        assertEquals(2, beats.size());
        assertTrue(beats.stream().allMatch(m -> m.getType() == MessageType.MsgHeartbeat && !m.getContext().isEmpty()));
        // One follower's answer plus the leader is a quorum of three.
        n.peer(2).step(beats.get(0));
        leader.step(readMessages(n.peer(2)).get(0));
        assertEquals(1, leader.readStates.size());
        assertEquals(commit, leader.readStates.get(0).index());
        assertEquals("r1", ctx(leader.readStates.get(0)));
    }

    /** Reads waiting together are answered by one round: an answer to a later round confirms earlier ones. */
    @Test
    void oneRoundAnswersEveryWaitingRead() {
        Network n = Network.fresh(5);
        n.send(hup(1));
        Raft leader = n.peer(1);
        leader.step(readReq(1, 1, "a"));
        leader.step(readReq(1, 1, "b"));
        leader.step(readReq(1, 1, "c"));
        List<Message> beats = readMessages(leader);
        // Only the heartbeats of the last round are answered, by two followers.
        List<Message> lastRound = beats.subList(beats.size() - 4, beats.size());
        for (Message hb : lastRound.subList(0, 2)) {
            Raft f = n.peer(hb.getTo());
            f.step(hb);
            leader.step(readMessages(f).get(0));
        }
        assertEquals(List.of("a", "b", "c"), leader.readStates.stream().map(ReadIndexTest::ctx).toList());
    }

    /** Answers to heartbeats without a read round, or from a minority, confirm nothing. */
    @Test
    void minorityOrPlainHeartbeatsConfirmNothing() {
        Network n = Network.fresh(5);
        n.send(hup(1));
        Raft leader = n.peer(1);
        leader.step(readReq(1, 1, "a"));
        List<Message> beats = readMessages(leader);
        Raft f = n.peer(beats.get(0).getTo());
        f.step(beats.get(0));
        leader.step(readMessages(f).get(0));
        assertTrue(leader.readStates.isEmpty(), "leader + 1 of 5 is not a quorum");
        leader.step(msg(MessageType.MsgHeartbeatResp, 3, 1).setTerm(leader.term).build());
        leader.step(msg(MessageType.MsgHeartbeatResp, 4, 1).setTerm(leader.term).build());
        assertTrue(leader.readStates.isEmpty(), "answers without the round's context do not count");
    }

    /** A follower forwards the request to its leader and delivers the answer as a read state. */
    @Test
    void followerForwardsAndGetsTheAnswer() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        n.send(prop(1, "x"));
        n.send(readReq(2, 2, "from-2"));
        Raft follower = n.peer(2);
        assertEquals(1, follower.readStates.size());
        assertEquals("from-2", ctx(follower.readStates.get(0)));
        assertEquals(n.peer(1).log.committed, follower.readStates.get(0).index());
        assertTrue(n.peer(1).readStates.isEmpty(), "the leader answered by message, not locally");
    }

    /** A new leader waits for an entry of its term to commit before it can vouch for a commit index. */
    @Test
    void newLeaderPostponesReadsUntilItCommitsInItsTerm() {
        Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
        becomeLeader(r);
        readMessages(r);
        r.step(readReq(1, 1, "early"));
        assertTrue(readMessages(r).isEmpty(), "no heartbeat round yet");
        assertEquals(1, r.readsAwaitingCommitInTerm.size());
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(1).build());
        assertEquals(1, r.log.committed);
        List<Message> beats = readMessages(r).stream().filter(m -> m.getType() == MessageType.MsgHeartbeat).toList();
        assertEquals(2, beats.size(), "the round starts once the no-op commits");
        r.step(msg(MessageType.MsgHeartbeatResp, 2, 1).setTerm(r.term).setContext(beats.get(0).getContext()).build());
        assertEquals(1, r.readStates.size());
        assertEquals(1, r.readStates.get(0).index());
    }

    /** A single voter is its own quorum: the answer is immediate. */
    @Test
    void singleVoterAnswersAtOnce() {
        Raft r = newRaft(1, ids(1), 10, 1);
        r.step(hup(1));
        r.step(readReq(1, 1, "now"));
        assertEquals(1, r.readStates.size());
        assertTrue(readMessages(r).isEmpty());
    }

    /** Learners neither confirm reads nor are needed for them. */
    @Test
    void learnersDoNotCountForReads() {
        Raft r = newLearnerRaft(1, ids(1, 2), ids(3), 10, 1);
        becomeLeader(r);
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(1).build());
        readMessages(r);
        r.step(readReq(1, 1, "x"));
        List<Message> beats = readMessages(r);
        Message toLearner = beats.stream().filter(m -> m.getTo() == 3).findFirst().orElseThrow();
        r.step(msg(MessageType.MsgHeartbeatResp, 3, 1).setTerm(r.term).setContext(toLearner.getContext()).build());
        assertTrue(r.readStates.isEmpty(), "the learner's answer is no quorum");
        Message toVoter = beats.stream().filter(m -> m.getTo() == 2).findFirst().orElseThrow();
        r.step(msg(MessageType.MsgHeartbeatResp, 2, 1).setTerm(r.term).setContext(toVoter.getContext()).build());
        assertEquals(1, r.readStates.size());
    }

    /** Losing leadership drops waiting reads; they are never answered with a stale index. */
    @Test
    void steppingDownDropsWaitingReads() {
        Network n = Network.fresh(3);
        n.send(hup(1));
        Raft leader = n.peer(1);
        leader.step(readReq(1, 1, "lost"));
        List<Message> beats = readMessages(leader);
        leader.step(msg(MessageType.MsgApp, 2, 1).setTerm(leader.term + 1).build());
        assertEquals(RaftRole.FOLLOWER, leader.role);
        leader.step(msg(MessageType.MsgHeartbeatResp, 2, 1).setTerm(leader.term).setContext(beats.get(0).getContext())
                .build());
        assertTrue(leader.readStates.isEmpty());
    }

    /** Without a known leader a read cannot be placed: the caller is told at once. */
    @Test
    void readWithoutLeaderIsDropped() {
        Raft r = newRaft(2, ids(1, 2, 3), 10, 1);
        assertThrows(ProposalDroppedException.class, () -> r.step(readReq(Raft.NONE, 2, "x")));
        r.step(hup(2));
        assertThrows(ProposalDroppedException.class, () -> r.step(readReq(Raft.NONE, 2, "x")), "a candidate knows no leader");
    }
}
