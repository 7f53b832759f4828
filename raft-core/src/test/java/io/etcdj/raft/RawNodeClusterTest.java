package io.etcdj.raft;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Several members through the public {@link RawNode} API with etcd's default settings (pre-vote,
 * check-quorum), each driven as the server's RaftLoop drives it: persist, send, apply, advance.
 */
class RawNodeClusterTest {

    /** A member and its driver. */
    private static final class Member {
        final RawNode node;
        final MemoryRaftStorage storage = new MemoryRaftStorage();
        final List<Entry> applied = new ArrayList<>();
        final List<Ready.ReadState> reads = new ArrayList<>();

        Member(long id, List<ConfChange> bootstrap) {
            node = new RawNode(new RaftConfig(id, storage, 0, 10, 1, Long.MAX_VALUE, new SplittableRandom(id),
                    TestLoggers.forNode(id)));
            if (bootstrap != null) {
                node.bootstrap(bootstrap);
            }
        }

        /** Processes every Ready; returns the messages to send. */
        List<Message> drive() {
            List<Message> out = new ArrayList<>();
            while (node.hasReady()) {
                Ready rd = node.ready();
                if (rd.snapshot() != null) {
                    storage.applySnapshot(rd.snapshot());
                }
                storage.append(rd.entries());
                if (rd.hardState() != null) {
                    storage.setHardState(rd.hardState());
                }
                for (Message m : rd.messages()) {
                    if (m.getType() == MessageType.MsgVoteResp && !m.getReject()) {
                        assertEquals(m.getTo(), storage.initialState().hardState().getVote(),
                                "a vote is persisted before it is sent");
                    }
                    if (m.getType() == MessageType.MsgAppResp && !m.getReject()) {
                        assertTrue(m.getIndex() <= storage.lastIndex(), "acknowledged entries are persisted");
                    }
                }
                out.addAll(rd.messages());
                for (Entry e : rd.committedEntries()) {
                    assertTrue(e.getIndex() <= storage.lastIndex(), "applied before persisted");
                    if (e.getType() == EntryType.EntryConfChange) {
                        node.applyConfChange(parse(e));
                    }
                    applied.add(e);
                }
                reads.addAll(rd.readStates());
                node.advance(rd);
            }
            return out;
        }

        List<String> appliedData() {
            return applied.stream().filter(e -> e.getType() == EntryType.EntryNormal && !e.getData().isEmpty())
                    .map(e -> e.getData().toStringUtf8()).toList();
        }
    }

    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final Set<Long> down = new HashSet<>();

    private static ConfChange parse(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    private void start(int n) {
        List<ConfChange> peers = new ArrayList<>();
        for (long id = 1; id <= n; id++) {
            peers.add(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(id).build());
        }
        for (long id = 1; id <= n; id++) {
            members.put(id, new Member(id, peers));
        }
        settle();
    }

    /** Drives every member and delivers every message until nothing moves. */
    private void settle() {
        for (int round = 0; round < 1000; round++) {
            List<Message> inFlight = new ArrayList<>();
            for (var e : members.entrySet()) {
                if (!down.contains(e.getKey())) {
                    inFlight.addAll(e.getValue().drive());
                }
            }
            if (inFlight.isEmpty()) {
                return;
            }
            for (Message m : inFlight) {
                Member to = members.get(m.getTo());
                if (to != null && !down.contains(m.getTo())) {
                    to.node.step(m);
                }
            }
        }
        fail("the group did not settle");
    }

    private Member leader() {
        return members.values().stream().filter(m -> !down.contains(m.node.id()) && m.node.role() == RaftRole.LEADER)
                .findFirst().orElseThrow();
    }

    private void tickAll(int ticks) {
        for (int i = 0; i < ticks; i++) {
            for (var e : members.entrySet()) {
                if (!down.contains(e.getKey())) {
                    e.getValue().node.tick();
                }
            }
            settle();
        }
    }

    @Test
    void threeMembersElectReplicateAndApplyInOrder() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        Member leader = leader();
        assertEquals(1, leader.node.id());
        for (int i = 0; i < 5; i++) {
            leader.node.propose(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        settle();
        for (Member m : members.values()) {
            assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), m.appliedData(), "member " + m.node.id());
            assertEquals(leader.node.committedIndex(), m.node.appliedIndex());
        }
    }

    @Test
    void followerForwardsProposalsAndReads() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        Member follower = members.get(3L);
        follower.node.propose("via-follower".getBytes(StandardCharsets.UTF_8));
        follower.node.readIndex(new byte[]{7});
        settle();
        assertEquals(List.of("via-follower"), members.get(1L).appliedData());
        assertEquals(1, follower.reads.size());
        assertArrayEquals(new byte[]{7}, follower.reads.get(0).context());
        assertTrue(follower.reads.get(0).index() >= follower.applied.get(follower.applied.size() - 1).getIndex() - 1);
    }

    @Test
    void aNewLeaderIsElectedWhenTheLeaderFails() {
        start(3);
        tickAll(30);
        Member first = leader();
        down.add(first.node.id());
        tickAll(40);
        Member second = leader();
        assertNotEquals(first.node.id(), second.node.id());
        second.node.propose("after failover".getBytes(StandardCharsets.UTF_8));
        settle();
        assertTrue(second.appliedData().contains("after failover"));
    }

    @Test
    void learnerIsAddedThroughTheLogAndPromoted() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        members.put(4L, new Member(4, null));
        Member leader = leader();
        leader.node.proposeConfChange(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddLearnerNode)
                .setNodeId(4).build());
        settle();
        leader.node.propose("for everyone".getBytes(StandardCharsets.UTF_8));
        settle();
        Member learner = members.get(4L);
        assertEquals(List.of(4L), learner.node.confState().getLearnersList());
        assertEquals(List.of("for everyone"), learner.appliedData());
        leader.node.proposeConfChange(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(4)
                .build());
        settle();
        for (Member m : members.values()) {
            assertEquals(List.of(1L, 2L, 3L, 4L), m.node.confState().getVotersList(), "member " + m.node.id());
        }
    }

    @Test
    void compactedLeaderSendsASnapshotThatTheDriverPersistsAndApplies() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        Member leader = leader();
        down.add(3L);
        for (int i = 0; i < 10; i++) {
            leader.node.propose(("v" + i).getBytes(StandardCharsets.UTF_8));
            settle();
        }
        long applied = leader.node.appliedIndex();
        leader.storage.createSnapshot(applied, leader.node.confState(), "state".getBytes(StandardCharsets.UTF_8));
        leader.storage.compact(applied);
        down.remove(3L);
        tickAll(2);  // heartbeats reveal 3 is behind; it answers, and gets the snapshot
        Member follower = members.get(3L);
        assertEquals(applied, follower.storage.snapshot().getMetadata().getIndex());
        assertEquals("state", follower.storage.snapshot().getData().toStringUtf8());
        assertTrue(follower.node.appliedIndex() >= applied);
        assertEquals(leader.node.lastIndex(), follower.node.lastIndex());
        var progress = leader.node.status().progress().get(3L);
        assertEquals("StateReplicate", progress.state());
        assertEquals(leader.node.lastIndex(), progress.match());
    }

    @Test
    void unreachableFollowerGoesBackToProbing() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        Member leader = leader();
        leader.node.propose("x".getBytes(StandardCharsets.UTF_8));
        settle();
        assertEquals("StateReplicate", leader.node.status().progress().get(2L).state());
        leader.node.reportUnreachable(2);
        assertEquals("StateProbe", leader.node.status().progress().get(2L).state());
    }

    @Test
    void leadershipTransferThroughRawNode() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        members.get(1L).node.transferLeadership(3);
        settle();
        assertEquals(3, leader().node.id());
        RaftStatus status = members.get(2L).node.status();
        assertEquals(3, status.leader());
        assertTrue(status.progress().isEmpty(), "only a leader reports progress");
    }

    @Test
    void localMessageTypesCannotBeStepped() {
        start(1);
        for (MessageType t : List.of(MessageType.MsgHup, MessageType.MsgBeat, MessageType.MsgUnreachable,
                MessageType.MsgSnapStatus, MessageType.MsgCheckQuorum)) {
            assertThrows(IllegalArgumentException.class,
                    () -> members.get(1L).node.step(Message.newBuilder().setType(t).setFrom(1).setTo(1).build()));
        }
    }

    @Test
    void answersFromNonMembersAreDropped() {
        start(3);
        members.get(1L).node.campaign();
        settle();
        Member leader = leader();
        long term = leader.node.term();
        leader.node.step(Message.newBuilder().setType(MessageType.MsgAppResp).setFrom(9).setTo(1).setTerm(term + 5)
                .setIndex(100).build());
        assertEquals(RaftRole.LEADER, leader.node.role());
        assertEquals(term, leader.node.term());
    }

    @Test
    void proposalsWithoutALeaderFailFast() {
        start(3);
        assertThrows(ProposalDroppedException.class, () -> members.get(2L).node.propose(new byte[]{1}));
        assertThrows(ProposalDroppedException.class, () -> members.get(2L).node.readIndex(new byte[]{1}));
    }
}
