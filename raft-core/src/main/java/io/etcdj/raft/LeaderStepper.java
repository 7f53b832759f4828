package io.etcdj.raft;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressState;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader: appends proposals, replicates, commits, confirms reads, transfers leadership, and
 * steps down when check-quorum finds no active majority.
 */
final class LeaderStepper implements RoleStepper {
    static final LeaderStepper INSTANCE = new LeaderStepper();

    private LeaderStepper() {
    }

    @Override
    public void step(Raft r, Message m) {
        // These need no progress for the sender.
        switch (m.getType()) {
            case MsgBeat -> {
                r.replicator.bcastHeartbeat();
                return;
            }
            case MsgCheckQuorum -> {
                checkQuorum(r);
                return;
            }
            case MsgProp -> {
                propose(r, m);
                return;
            }
            case MsgReadIndex -> {
                readIndex(r, m);
                return;
            }
            default -> {
            }
        }
        Progress pr = r.tracker.progress(m.getFrom());
        if (pr == null) {
            r.logger.log(Level.DEBUG, () -> Raft.hex(r.id) + " no progress available for " + Raft.hex(m.getFrom()));
            return;
        }
        switch (m.getType()) {
            case MsgAppResp -> appendResponse(r, m, pr);
            case MsgHeartbeatResp -> heartbeatResponse(r, m, pr);
            case MsgSnapStatus -> snapshotStatus(r, m, pr);
            case MsgUnreachable -> {
                // While pipelining, an unreachable follower has most likely lost an append: go back to probing.
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                r.logger.log(Level.DEBUG, () -> Raft.hex(r.id) + " failed to send message to " + Raft.hex(m.getFrom())
                        + " because it is unreachable [" + pr + "]");
            }
            case MsgTransferLeader -> transferLeader(r, m, pr);
            default -> {
            }
        }
    }

    private static void checkQuorum(Raft r) {
        Progress self = r.tracker.progress(r.id);
        if (self != null) {
            self.setRecentActive(true);
        }
        if (!r.tracker.quorumActive()) {
            r.logger.log(Level.WARNING, () -> Raft.hex(r.id) + " stepped down to follower since quorum is not active");
            r.becomeFollower(r.term, Raft.NONE);
            return;
        }
        r.tracker.forEach((id, p) -> {
            if (id != r.id) {
                p.setRecentActive(false);
            }
        });
    }

    private static void propose(Raft r, Message m) {
        if (m.getEntriesCount() == 0) {
            throw new ProposalDroppedException("raft proposal dropped: empty proposal");
        }
        if (!r.promotable()) {
            throw new ProposalDroppedException("raft proposal dropped: the leader is not a voter any more");
        }
        if (r.leadTransferee != Raft.NONE) {
            throw new ProposalDroppedException("raft proposal dropped: transfer leadership to "
                    + Raft.hex(r.leadTransferee) + " is in progress");
        }
        boolean local = m.getFrom() == r.id || m.getFrom() == Raft.NONE;
        List<Entry> entries = new ArrayList<>(m.getEntriesList());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.getType() != EntryType.EntryConfChange && e.getType() != EntryType.EntryConfChangeV2) {
                continue;
            }
            if (r.pendingConfIndex > r.log.applied) {
                String why = "possible unapplied conf change at index " + r.pendingConfIndex + " (applied to "
                        + r.log.applied + ")";
                if (local && entries.size() == 1) {
                    throw new ProposalDroppedException("raft proposal dropped: " + why);
                }
                // A forwarded change cannot be refused to its proposer: it becomes a no-op, as in etcd.
                r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " ignoring conf change " + describe(e) + ": " + why);
                entries.set(i, Entry.newBuilder().setType(EntryType.EntryNormal).build());
            } else {
                r.pendingConfIndex = r.log.lastIndex() + i + 1;
            }
        }
        r.appendEntries(entries);
        r.replicator.bcastAppend();
    }

    private static String describe(Entry e) {
        try {
            ConfChange cc = ConfChange.parseFrom(e.getData());
            return cc.getType() + "(" + Raft.hex(cc.getNodeId()) + ")";
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            return e.getType().toString();
        }
    }

    private static void readIndex(Raft r, Message m) {
        if (r.tracker.isSingleton() && r.tracker.voters().contains(r.id)) {
            // Our own vote is the quorum: no round of heartbeats needed.
            answerRead(r, m.getFrom(), m.getEntries(0).getData(), r.log.committed);
            return;
        }
        if (!r.committedEntryInCurrentTerm()) {
            // Until an entry of our term commits we do not know the group's commit index.
            r.readsAwaitingCommitInTerm.add(m);
            return;
        }
        startReadRound(r, m);
    }

    static void startReadRound(Raft r, Message m) {
        long round = r.reads.add(r.log.committed, m.getFrom(), m.getEntries(0).getData());
        r.replicator.bcastHeartbeat(ReadIndexRounds.encode(round));
    }

    static void answerRead(Raft r, long from, com.google.protobuf.ByteString context, long index) {
        if (from == Raft.NONE || from == r.id) {
            r.readStates.add(new Ready.ReadState(index, context.toByteArray()));
        } else {
            r.send(Raft.msg(MessageType.MsgReadIndexResp, from).setIndex(index)
                    .addEntries(Entry.newBuilder().setData(context)));
        }
    }

    private static void releaseReadsAwaitingCommit(Raft r) {
        if (r.readsAwaitingCommitInTerm.isEmpty() || !r.committedEntryInCurrentTerm()) {
            return;
        }
        List<Message> waiting = new ArrayList<>(r.readsAwaitingCommitInTerm);
        r.readsAwaitingCommitInTerm.clear();
        for (Message m : waiting) {
            startReadRound(r, m);
        }
    }

    private static void appendResponse(Raft r, Message m, Progress pr) {
        pr.setRecentActive(true);
        if (m.getReject()) {
            r.logger.log(Level.DEBUG, () -> Raft.hex(r.id) + " received MsgAppResp(rejected, hint: (index "
                    + m.getRejectHint() + ", term " + m.getLogTerm() + ")) from " + Raft.hex(m.getFrom()) + " for index "
                    + m.getIndex());
            long nextProbe = m.getRejectHint();
            if (m.getLogTerm() > 0) {
                // The follower's entry at the hint has that term: skip our entries with larger terms too.
                nextProbe = r.log.findConflictByTerm(m.getRejectHint(), m.getLogTerm())[0];
            }
            if (pr.maybeDecrTo(m.getIndex(), nextProbe)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                r.replicator.sendAppend(m.getFrom());
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.getIndex())) {
            return;
        }
        if (pr.state() == ProgressState.PROBE) {
            pr.becomeReplicate();
        } else if (pr.state() == ProgressState.SNAPSHOT && pr.match() >= pr.pendingSnapshot()) {
            // The follower caught up past the snapshot: back to pipelining (via probe, which accounts
            // for the snapshot in next).
            pr.becomeProbe();
            pr.becomeReplicate();
        } else if (pr.state() == ProgressState.REPLICATE) {
            pr.inflights().freeLE(m.getIndex());
        }
        if (r.maybeCommit()) {
            releaseReadsAwaitingCommit(r);
            r.replicator.bcastAppend();
        } else if (wasPaused) {
            // It may have missed the commit index while paused.
            r.replicator.sendAppend(m.getFrom());
        }
        // Flow control may have opened: send as many (size-bounded) appends as the window allows.
        while (r.replicator.maybeSendAppend(m.getFrom(), false)) {
            // keep going
        }
        if (m.getFrom() == r.leadTransferee && pr.match() == r.log.lastIndex()) {
            r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " sent MsgTimeoutNow to " + Raft.hex(m.getFrom())
                    + " after received MsgAppResp");
            r.send(Raft.msg(MessageType.MsgTimeoutNow, m.getFrom()));
        }
    }

    private static void heartbeatResponse(Raft r, Message m, Progress pr) {
        pr.setRecentActive(true);
        pr.setProbeSent(false);
        // A full window would otherwise stall the follower until an append is acknowledged; let one through.
        if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
            pr.inflights().freeFirstOne();
        }
        if (pr.match() < r.log.lastIndex()) {
            r.replicator.sendAppend(m.getFrom());
        }
        long round = ReadIndexRounds.decode(m.getContext());
        if (round == 0) {
            return;
        }
        for (ReadIndexRounds.Request req : r.reads.ack(m.getFrom(), round, r.tracker.voters(), r.id)) {
            answerRead(r, req.from(), req.context(), req.index());
        }
    }

    private static void snapshotStatus(Raft r, Message m, Progress pr) {
        if (pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (m.getReject()) {
            // Probe from what is known to match, not from the snapshot that never arrived.
            pr.abortSnapshot();
        }
        pr.becomeProbe();
        // Success: wait for the follower's MsgAppResp before the next append. Failure: wait a
        // heartbeat interval before trying again.
        pr.setProbeSent(true);
    }

    private static void transferLeader(Raft r, Message m, Progress pr) {
        long transferee = m.getFrom();
        if (pr.isLearner()) {
            r.logger.log(Level.DEBUG, () -> Raft.hex(r.id) + " is learner. Ignored transferring leadership");
            return;
        }
        if (r.leadTransferee != Raft.NONE) {
            if (r.leadTransferee == transferee) {
                return;  // already in progress
            }
            r.abortLeaderTransfer();
        }
        if (transferee == r.id) {
            return;  // already leader
        }
        r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " [term " + r.term + "] starts to transfer leadership to "
                + Raft.hex(transferee));
        // The transfer must finish within an election timeout.
        r.electionElapsed = 0;
        r.leadTransferee = transferee;
        if (pr.match() == r.log.lastIndex()) {
            r.send(Raft.msg(MessageType.MsgTimeoutNow, transferee));
        } else {
            r.replicator.sendAppend(transferee);
        }
    }
}
