package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Log replication beyond the paper's claims: reject hints that skip a term per round trip, the
 * probe / replicate / snapshot states, flow control (in-flight window, bytes per message), and
 * snapshots for followers that need compacted entries.
 */
class ReplicationTest {

    private static Message appResp(Raft leader, long from, long index) {
        return msg(MessageType.MsgAppResp, from, leader.id).setTerm(leader.term).setIndex(index).build();
    }

    // ---- conflicts and reject hints

    /**
     * A follower with a long divergent tail of another term answers with a hint that lets the leader
     * skip the whole tail in one round trip instead of walking back one entry at a time.
     */
    @Test
    void rejectHintSkipsAWholeDivergentTerm() {
        MemoryRaftStorage ls = storageWith(ids(1, 2, 3), new long[0]);
        ls.append(entriesWithTerms(1, 1, 1, 1, 5, 5, 5, 5, 5));
        ls.setHardState(hardState(7, 0, 4));
        Raft leader = newRaft(1, 10, 1, ls);
        becomeLeader(leader);  // term 8, no-op at 10
        MemoryRaftStorage fs = storageWith(ids(1, 2, 3), new long[0]);
        fs.append(entriesWithTerms(1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3));
        fs.setHardState(hardState(7, 0, 4));
        Raft follower = newRaft(2, 10, 1, fs);
        readMessages(leader);
        leader.replicator.sendAppend(2);
        int rejections = 0;
        for (int round = 0; round < 20; round++) {
            List<Message> toFollower = readMessages(leader).stream().filter(m -> m.getTo() == 2).toList();
            if (toFollower.isEmpty()) {
                break;
            }
            toFollower.forEach(follower::step);
            for (Message m : readMessages(follower)) {
                if (m.getReject()) {
                    rejections++;
                }
                leader.step(m);
            }
        }
        assertEquals(allEntries(leader), allEntries(follower), "logs converged");
        assertEquals(1, rejections, "one round trip finds the match at index 4 (walking back would take 5)");
    }

    /** The follower's hint: the last index whose term is at most the leader's term at the rejected index. */
    @Test
    void followerHintNamesTheLastPossibleMatch() {
        MemoryRaftStorage fs = storageWith(ids(1, 2), new long[0]);
        fs.append(entriesWithTerms(1, 1, 2, 2, 4, 4, 4));
        Raft follower = newRaft(2, 10, 1, fs);
        follower.becomeFollower(5, 1);
        // Leader claims (index 7, term 3): our entries 5..7 have term 4 > 3, so they cannot match;
        // entry 4 has term 2 <= 3 and might.
        follower.step(msg(MessageType.MsgApp, 1, 2).setTerm(5).setIndex(7).setLogTerm(3).build());
        Message resp = readMessages(follower).get(0);
        assertTrue(resp.getReject());
        assertEquals(7, resp.getIndex());
        assertEquals(4, resp.getRejectHint());
        assertEquals(2, resp.getLogTerm());
        // Beyond our log: the hint is our last index.
        follower.step(msg(MessageType.MsgApp, 1, 2).setTerm(5).setIndex(20).setLogTerm(5).build());
        resp = readMessages(follower).get(0);
        assertEquals(7, resp.getRejectHint());
        assertEquals(4, resp.getLogTerm());
    }

    /** A stale rejection (for an index the leader already knows matches) changes nothing. */
    @Test
    void staleRejectionIsIgnored() {
        Raft r = newRaft(1, ids(1, 2), 10, 1);
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        r.step(appResp(r, 2, 1));
        assertEquals(ProgressState.REPLICATE, pr.state());
        long next = pr.next();
        readMessages(r);
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(1).setReject(true).setRejectHint(0).build());
        assertEquals(ProgressState.REPLICATE, pr.state());
        assertEquals(next, pr.next());
        assertTrue(readMessages(r).isEmpty());
    }

    /** A follower never truncates below its commit index: an append conflicting with committed entries is a bug. */
    @Test
    void conflictWithCommittedEntryIsRefusedLoudly() {
        MemoryRaftStorage fs = storageWith(ids(1, 2), new long[0]);
        fs.append(entriesWithTerms(1, 1, 1));
        fs.setHardState(hardState(1, 0, 3));
        Raft follower = newRaft(2, 10, 1, fs);
        follower.becomeFollower(2, 1);
        Message bad = msg(MessageType.MsgApp, 1, 2).setTerm(2).setIndex(3).setLogTerm(1).setCommit(3)
                .addEntries(entry(4, 2)).build();
        follower.step(bad);  // fine: appends after the committed prefix
        assertEquals(4, follower.log.lastIndex());
        assertThrows(IllegalStateException.class, () -> follower.log.maybeAppend(1, 1, 3, List.of(entry(2, 2))));
    }

    // ---- progress states

    /** A new leader probes: one append per heartbeat interval until a follower accepts, then pipelines. */
    @Test
    void probeSendsOneAppendThenReplicatePipelines() {
        Raft r = newRaft(1, ids(1, 2), 10, 1);
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        assertEquals(ProgressState.PROBE, pr.state());
        r.replicator.bcastAppend();
        assertEquals(1, readMessages(r).size());
        assertTrue(pr.isPaused(), "an outstanding probe pauses the follower");
        r.step(prop(1, "a"));
        r.step(prop(1, "b"));
        assertTrue(readMessages(r).isEmpty(), "no appends while the probe is outstanding");
        r.step(msg(MessageType.MsgHeartbeatResp, 2, 1).setTerm(r.term).build());
        assertFalse(readMessages(r).isEmpty(), "a heartbeat answer lets the next probe through");
        r.step(appResp(r, 2, 1));
        assertEquals(ProgressState.REPLICATE, pr.state());
        readMessages(r);
        r.step(prop(1, "c"));
        r.step(prop(1, "d"));
        List<Message> msgs = readMessages(r);
        assertEquals(2, msgs.size(), "pipelined: one append per proposal without waiting");
        assertEquals(r.log.lastIndex() + 1, pr.next(), "next moves optimistically");
    }

    // ---- flow control

    /** Once the in-flight window is full, the leader stops sending appends to that follower. */
    @Test
    void fullInflightWindowStopsAppends() {
        Raft r = new Raft(config(1, storageWith(ids(1, 2), new long[0]), 5, 1).withFlowControl(Long.MAX_VALUE, 4));
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        pr.becomeReplicate();
        readMessages(r);
        for (int i = 0; i < 4; i++) {
            r.step(prop(1, "somedata"));
            assertEquals(1, readMessages(r).size(), "message " + i);
        }
        assertTrue(pr.inflights().full());
        for (int i = 0; i < 10; i++) {
            r.step(prop(1, "somedata"));
            assertTrue(readMessages(r).isEmpty());
        }
    }

    /** An acknowledgment frees the slots up to its index; stale acknowledgments free nothing. */
    @Test
    void acknowledgmentsMoveTheWindowForward() {
        Raft r = new Raft(config(1, storageWith(ids(1, 2), new long[0]), 5, 1).withFlowControl(Long.MAX_VALUE, 4));
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        pr.becomeReplicate();
        for (int i = 0; i < 4; i++) {
            r.step(prop(1, "somedata"));
        }
        readMessages(r);
        // Appends carried indexes 2..5 (1 is the leader's no-op, sent before replicate).
        for (long ack = 2; ack < 6; ack++) {
            r.step(appResp(r, 2, ack));
            readMessages(r);
            r.step(prop(1, "somedata"));
            assertEquals(1, readMessages(r).size(), "one slot freed by ack " + ack);
            assertTrue(pr.inflights().full());
            r.step(appResp(r, 2, ack - 1));
            assertTrue(pr.inflights().full(), "a stale ack frees nothing");
        }
    }

    /** A heartbeat answer frees one slot of a full window, so a follower that lost appends is not stuck. */
    @Test
    void heartbeatAnswerFreesOneSlot() {
        Raft r = new Raft(config(1, storageWith(ids(1, 2), new long[0]), 5, 1).withFlowControl(Long.MAX_VALUE, 4));
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        pr.becomeReplicate();
        for (int i = 0; i < 4; i++) {
            r.step(prop(1, "somedata"));
        }
        readMessages(r);
        for (int round = 1; round < 4; round++) {
            assertTrue(pr.inflights().full());
            for (int i = 0; i < round; i++) {
                r.step(msg(MessageType.MsgHeartbeatResp, 2, 1).setTerm(r.term).build());
                readMessages(r);
                assertFalse(pr.inflights().full(), "round " + round + ": a heartbeat answer freed a slot");
            }
            r.step(prop(1, "somedata"));
            assertEquals(1, readMessages(r).size(), "round " + round + ": the free slot carries the next proposal");
            for (int i = 0; i < 5; i++) {
                r.step(prop(1, "somedata"));
                assertTrue(readMessages(r).isEmpty(), "round " + round + ": full again");
            }
            // The next answer frees a slot that carries the whole backlog (no size bound here).
            r.step(msg(MessageType.MsgHeartbeatResp, 2, 1).setTerm(r.term).build());
            readMessages(r);
        }
    }

    /** MaxSizePerMsg bounds the bytes of one append (at least one entry always goes). */
    @Test
    void maxSizePerMsgSplitsAppends() {
        Raft r = new Raft(config(1, storageWith(ids(1, 2), new long[0]), 5, 1).withFlowControl(60, 256));
        becomeLeader(r);
        r.step(appResp(r, 2, 1));
        readMessages(r);
        String big = "x".repeat(40);
        r.tracker.progress(2).becomeProbe();  // collect proposals first, then let them go together
        r.tracker.progress(2).setProbeSent(true);
        for (int i = 0; i < 5; i++) {
            r.step(prop(1, big));
        }
        assertTrue(readMessages(r).isEmpty());
        r.step(appResp(r, 2, 1));  // no news: still paused
        r.tracker.progress(2).setProbeSent(false);
        r.tracker.progress(2).becomeReplicate();
        while (r.replicator.maybeSendAppend(2, false)) {
            // drain the window
        }
        List<Message> msgs = readMessages(r);
        assertEquals(5, msgs.size(), "each ~45-byte entry alone reaches the 60-byte bound");
        for (Message m : msgs) {
            assertEquals(1, m.getEntriesCount());
        }
        Raft zero = new Raft(config(1, storageWith(ids(1, 2), new long[0]), 5, 1).withFlowControl(0, 256));
        becomeLeader(zero);
        assertEquals(1, zero.log.entriesFrom(1, 0).size(), "a zero bound still sends one entry");
    }

    // ---- snapshots

    private static MemoryRaftStorage compactedStorage(long[] voters) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(11).setTerm(11)
                .setConfState(confState(voters, new long[0]))).build());
        return s;
    }

    /** A follower that needs compacted entries is sent the snapshot, and appends pause meanwhile. */
    @Test
    void followerBehindTheCompactionPointGetsASnapshot() {
        Raft r = newRaft(1, 10, 1, compactedStorage(ids(1, 2)));
        becomeLeader(r);
        readMessages(r);
        Progress pr = r.tracker.progress(2);
        // The follower has nothing: it rejects the probe and hints index 0.
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(pr.next() - 1).setReject(true).setRejectHint(0)
                .build());
        assertEquals(ProgressState.SNAPSHOT, pr.state());
        assertEquals(11, pr.pendingSnapshot());
        List<Message> msgs = readMessages(r);
        assertEquals(1, msgs.size());
        assertEquals(MessageType.MsgSnap, msgs.get(0).getType());
        assertEquals(11, msgs.get(0).getSnapshot().getMetadata().getIndex());
        r.step(prop(1, "somedata"));
        assertTrue(readMessages(r).isEmpty(), "replication pauses while the snapshot is pending");
    }

    @Test
    void failedSnapshotProbesAgainFromWhatMatches() {
        Raft r = newRaft(1, 10, 1, compactedStorage(ids(1, 2)));
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        pr.becomeSnapshot(11);
        r.step(msg(MessageType.MsgSnapStatus, 2, 1).setReject(true).build());
        assertEquals(ProgressState.PROBE, pr.state());
        assertEquals(0, pr.pendingSnapshot());
        assertEquals(1, pr.next());
        assertTrue(pr.probeSent(), "wait a heartbeat before trying again");
    }

    @Test
    void finishedSnapshotProbesFromAfterIt() {
        Raft r = newRaft(1, 10, 1, compactedStorage(ids(1, 2)));
        becomeLeader(r);
        Progress pr = r.tracker.progress(2);
        pr.becomeSnapshot(11);
        r.step(msg(MessageType.MsgSnapStatus, 2, 1).build());
        assertEquals(ProgressState.PROBE, pr.state());
        assertEquals(12, pr.next());
        assertTrue(pr.probeSent(), "wait for the follower's answer before the next append");
    }

    /** An acknowledgment at or beyond the pending snapshot ends the snapshot state and resumes pipelining. */
    @Test
    void acknowledgmentPastThePendingSnapshotResumesReplication() {
        Raft r = newRaft(1, 10, 1, compactedStorage(ids(1, 2)));
        becomeLeader(r);  // no-op at 12
        Progress pr = r.tracker.progress(2);
        pr.becomeSnapshot(11);
        r.step(appResp(r, 2, 11));
        assertEquals(ProgressState.REPLICATE, pr.state());
        assertEquals(0, pr.pendingSnapshot());
        assertEquals(13, pr.next());
        assertEquals(1, pr.inflights().count(), "the entry after the snapshot went out at once");
    }

    /** A leader does not send a snapshot to a follower it has not heard from recently. */
    @Test
    void noSnapshotForAnInactiveFollower() {
        Raft r = newRaft(1, 10, 1, compactedStorage(ids(1, 2)));
        becomeLeader(r);
        readMessages(r);
        Progress pr = r.tracker.progress(2);
        pr.setRecentActive(false);
        pr.becomeProbe();
        r.replicator.sendAppend(2);
        // next = 13 > first index, so this is a plain append; force the compacted case:
        pr.maybeDecrTo(pr.next() - 1, 0);
        r.replicator.sendAppend(2);
        assertTrue(readMessages(r).stream().noneMatch(m -> m.getType() == MessageType.MsgSnap));
        assertEquals(ProgressState.PROBE, pr.state());
    }

    /** A follower restores a newer snapshot: log, commit and membership; the Ready carries it. */
    @Test
    void followerRestoresASnapshotAndHandsItToTheDriver() {
        MemoryRaftStorage s = storageWith(ids(1, 2), new long[0]);
        RawNode node = new RawNode(config(2, s, 10, 1));
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(11).setTerm(11)
                .setConfState(confState(ids(1, 2, 3), ids(4)))).build();
        node.step(msg(MessageType.MsgSnap, 1, 2).setTerm(11).setSnapshot(snap).build());
        assertEquals(11, node.committedIndex());
        assertEquals(11, node.lastIndex());
        assertEquals(confState(ids(1, 2, 3), ids(4)), node.confState());
        Ready rd = node.ready();
        assertEquals(snap, rd.snapshot());
        assertTrue(rd.mustSync());
        assertTrue(rd.committedEntries().isEmpty(), "everything up to 11 is in the snapshot");
        assertEquals(11, rd.messages().get(0).getIndex(), "acknowledged after persisting");
        s.applySnapshot(rd.snapshot());
        node.advance(rd);
        assertEquals(11, node.appliedIndex());
        assertFalse(node.hasReady());
    }

    /** A snapshot older than the commit index is ignored; one matching our log just moves the commit index. */
    @Test
    void staleOrMatchingSnapshotsDoNotReplaceTheLog() {
        MemoryRaftStorage s = storageWith(ids(1, 2), new long[0]);
        s.append(entriesWithTerms(1, 1, 2, 2));
        s.setHardState(hardState(2, 0, 2));
        Raft r = newRaft(2, 10, 1, s);
        r.becomeFollower(2, 1);
        Snapshot old = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(1).setTerm(1)
                .setConfState(confState(ids(1, 2), new long[0]))).build();
        r.step(msg(MessageType.MsgSnap, 1, 2).setTerm(2).setSnapshot(old).build());
        assertEquals(2, readMessages(r).get(0).getIndex(), "answered with the commit index");
        assertNull(r.log.unstableSnapshot());
        Snapshot matching = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(3).setTerm(2)
                .setConfState(confState(ids(1, 2), new long[0]))).build();
        r.step(msg(MessageType.MsgSnap, 1, 2).setTerm(2).setSnapshot(matching).build());
        assertNull(r.log.unstableSnapshot());
        assertEquals(3, r.log.committed);
        assertEquals(4, r.log.lastIndex(), "the entry after the snapshot is kept");
    }

    /**
     * A snapshot taken before this node was added does not name it; the node still restores it and
     * joins when it applies the entry that added it (etcd raft refuses it, which left a new member
     * stuck in the simulator).
     */
    @Test
    void snapshotPredatingOurAdditionIsRestored() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        Raft r = newRaft(4, 10, 1, s);
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(11).setTerm(3)
                .setConfState(confState(ids(1, 2, 3), new long[0]))).build();
        r.step(msg(MessageType.MsgSnap, 1, 4).setTerm(3).setSnapshot(snap).build());
        assertEquals(11, r.log.committed);
        assertFalse(r.promotable());
        List<Message> msgs = readMessages(r);
        assertEquals(11, msgs.get(0).getIndex());
        assertFalse(msgs.get(0).getReject());
        tickUntilElection(r);
        assertEquals(RaftRole.FOLLOWER, r.role, "not a voter in its own view: it does not campaign");
        r.applyConfChange(cc(io.etcdj.api.raftpb.ConfChangeType.ConfChangeAddLearnerNode, 4));
        assertTrue(r.tracker.progress(4).isLearner());
    }
}
