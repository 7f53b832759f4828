package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * One Raft node as a pure state machine, in the shape of etcd raft's RawNode: inputs are
 * {@link #tick()}, {@link #propose}, {@link #readIndex}, {@link #step}; output is a {@link Ready}
 * acknowledged with {@link #advance}. No threads, clocks, sockets or files: the driver owns those.
 *
 * <p>The algorithm is etcd raft's: leader election with randomized timeouts, pre-vote and
 * check-quorum (leader stickiness), log replication with per-follower progress (probe, pipelined
 * replicate bounded by an in-flight window, snapshot), fast log back-tracking with reject hints,
 * proposal forwarding, ReadIndex confirmed by a heartbeat round, snapshots for followers that
 * need compacted entries, single-node membership changes with learners and promotion, and
 * leadership transfer.
 *
 * <p>Not thread-safe: one thread (the driver's) calls everything.
 */
public final class RawNode {
    private final Raft raft;
    private final RaftConfig config;
    private HardState prevHardState;
    private Ready.SoftState prevSoftState;

    public RawNode(RaftConfig config) {
        this.config = config;
        this.raft = new Raft(config);
        this.prevHardState = raft.hardState();
        this.prevSoftState = raft.softState();
    }

    /**
     * Starts a brand-new group: the initial members become conf-change entries at term 1, already
     * committed, as etcd does, so membership lives in the log from the first entry. Every initial
     * member bootstraps with the same list. Call once, on an empty storage, before anything else.
     */
    public void bootstrap(List<ConfChange> initialMembers) {
        if (raft.log.lastIndex() != 0) {
            throw new IllegalStateException("raft: can only bootstrap an empty log");
        }
        if (initialMembers.isEmpty()) {
            throw new IllegalArgumentException("raft: must provide at least one peer to bootstrap");
        }
        raft.becomeFollower(1, Raft.NONE);
        List<Entry> entries = new ArrayList<>();
        long index = 0;
        for (ConfChange cc : initialMembers) {
            index++;
            entries.add(Entry.newBuilder().setTerm(1).setIndex(index).setType(EntryType.EntryConfChange)
                    .setData(cc.toByteString()).build());
        }
        raft.log.append(entries);
        raft.log.committed = index;
        for (ConfChange cc : initialMembers) {
            raft.applyConfChange(cc);
        }
    }

    public long id() {
        return raft.id;
    }

    public long term() {
        return raft.term;
    }

    /** The leader this node knows of in its term, or 0. */
    public long leader() {
        return raft.lead;
    }

    public RaftRole role() {
        return raft.role;
    }

    public long committedIndex() {
        return raft.log.committed;
    }

    public long appliedIndex() {
        return raft.log.applied;
    }

    public long lastIndex() {
        return raft.log.lastIndex();
    }

    /** Advances the logical clock by one tick (the driver calls it every heartbeat interval / heartbeatTicks). */
    public void tick() {
        raft.tick();
    }

    /**
     * Starts an election now (with pre-vote when configured) instead of waiting for the election
     * timeout. Does nothing on a leader, a learner or a non-member, or while a committed conf change
     * is unapplied.
     */
    public void campaign() {
        raft.step(Raft.msg(MessageType.MsgHup, Raft.NONE).setFrom(raft.id).build());
    }

    /**
     * Proposes data to be appended to the log. A follower forwards it to its leader (it may still be
     * lost on the way: the caller learns the outcome only by seeing it applied).
     *
     * @throws ProposalDroppedException when this node cannot take proposals now (no leader known, or a
     *                                  leadership transfer is in progress)
     */
    public void propose(byte[] data) {
        proposeEntry(Entry.newBuilder().setType(EntryType.EntryNormal).setData(ByteString.copyFrom(data)).build());
    }

    /**
     * Proposes a membership change; it takes effect when the driver calls {@link #applyConfChange}
     * after it commits. Only one change may be pending at a time.
     *
     * @throws ProposalDroppedException as {@link #propose}, and on the leader when an earlier change is
     *                                  not applied yet
     */
    public void proposeConfChange(ConfChange change) {
        proposeEntry(Entry.newBuilder().setType(EntryType.EntryConfChange).setData(change.toByteString()).build());
    }

    private void proposeEntry(Entry entry) {
        raft.step(Raft.msg(MessageType.MsgProp, Raft.NONE).setFrom(raft.id).addEntries(entry).build());
    }

    /**
     * Asks for a linearizable read point. The answer arrives as a {@link Ready.ReadState} with the
     * same context once a quorum confirmed this node's leader still leads. A follower asks its
     * leader. The request may be lost (leader change, message loss) without an answer: the caller
     * must time out and retry.
     *
     * @throws ProposalDroppedException when no leader is known
     */
    public void readIndex(byte[] context) {
        raft.step(Raft.msg(MessageType.MsgReadIndex, Raft.NONE)
                .addEntries(Entry.newBuilder().setData(ByteString.copyFrom(context))).build());
    }

    /**
     * Delivers a message from a peer. Messages of older terms, answers from non-members and
     * proposals the node cannot take are dropped (a remote proposer learns nothing, as in etcd).
     *
     * @throws IllegalArgumentException for a local message type (those come from the node's own methods)
     */
    public void step(Message message) {
        switch (message.getType()) {
            case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum ->
                    throw new IllegalArgumentException("raft: cannot step raft local message " + message.getType());
            case MsgAppResp, MsgVoteResp, MsgHeartbeatResp, MsgPreVoteResp -> {
                if (raft.tracker.progress(message.getFrom()) == null) {
                    return;  // an answer from a node that is not a member (any more), as etcd's ErrStepPeerNotFound
                }
            }
            default -> {
            }
        }
        try {
            raft.step(message);
        } catch (ProposalDroppedException e) {
            raft.logger.log(Level.DEBUG, () -> Raft.hex(raft.id) + " dropped " + message.getType() + " from "
                    + Raft.hex(message.getFrom()) + ": " + e.getMessage());
        }
    }

    /**
     * Asks the leader to hand leadership to {@code transferee} (Raft thesis §3.10): it brings the
     * transferee's log up to date, then tells it to campaign at once; proposals are refused
     * meanwhile; the transfer is abandoned after an election timeout. On a follower only a request
     * to make this node the leader is forwarded to the leader; others are ignored.
     */
    public void transferLeadership(long transferee) {
        if (raft.role != RaftRole.LEADER && transferee != raft.id) {
            raft.logger.log(Level.INFO, () -> Raft.hex(raft.id) + " is not the leader; ignored transferring leadership to "
                    + Raft.hex(transferee));
            return;
        }
        raft.step(Raft.msg(MessageType.MsgTransferLeader, Raft.NONE).setFrom(transferee).build());
    }

    /** The transport could not deliver a message to {@code id}: the leader stops pipelining to it and probes. */
    public void reportUnreachable(long id) {
        raft.step(Raft.msg(MessageType.MsgUnreachable, Raft.NONE).setFrom(id).build());
    }

    /** How sending the snapshot of a {@code MsgSnap} to {@code id} ended. */
    public void reportSnapshot(long id, SnapshotStatus status) {
        raft.step(Raft.msg(MessageType.MsgSnapStatus, Raft.NONE).setFrom(id)
                .setReject(status == SnapshotStatus.FAILED).build());
    }

    /**
     * Applies a committed membership change to the core's configuration and returns the new one.
     * Idempotent for a member already in the requested role; a change that would leave no voter is
     * ignored (every member ignores it alike).
     */
    public ConfState applyConfChange(ConfChange cc) {
        return raft.applyConfChange(cc);
    }

    public ConfState confState() {
        return raft.confState();
    }

    public boolean hasReady() {
        Raft r = raft;
        return r.lead != prevSoftState.leader() || r.role != prevSoftState.role() || r.term != prevHardState.getTerm()
                || r.vote != prevHardState.getVote() || r.log.committed != prevHardState.getCommit()
                || r.log.unstableSnapshot() != null || !r.msgs.isEmpty() || !r.readStates.isEmpty()
                || r.log.hasUnstableEntries() || r.log.hasNextCommittedEntries();
    }

    /** What the driver must do now; see {@link Ready} for the order. Call {@link #advance} when done. */
    public Ready ready() {
        HardState hs = raft.hardState();
        Ready.SoftState ss = raft.softState();
        List<Entry> entries = raft.log.unstableEntries();
        Snapshot snapshot = raft.log.unstableSnapshot();
        boolean mustSync = !entries.isEmpty() || snapshot != null || hs.getTerm() != prevHardState.getTerm()
                || hs.getVote() != prevHardState.getVote();
        return new Ready(ss.equals(prevSoftState) ? null : ss, hs.equals(prevHardState) ? null : hs, entries,
                raft.log.nextCommittedEntries(config.maxCommittedBytes()), List.copyOf(raft.msgs),
                List.copyOf(raft.readStates), mustSync, snapshot);
    }

    /** The driver finished the given Ready: its snapshot and entries are persisted and its committed entries applied. */
    public void advance(Ready rd) {
        if (rd.softState() != null) {
            prevSoftState = rd.softState();
        }
        if (rd.hardState() != null) {
            prevHardState = rd.hardState();
        }
        if (!rd.committedEntries().isEmpty()) {
            raft.log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
        } else if (rd.snapshot() != null) {
            raft.log.appliedTo(rd.snapshot().getMetadata().getIndex());
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            raft.log.stableTo(last.getIndex(), last.getTerm());
        }
        if (rd.snapshot() != null) {
            raft.log.stableSnapTo(rd.snapshot().getMetadata().getIndex());
        }
        // Messages and reads queued while the driver worked on this Ready stay for the next one.
        raft.msgs.subList(0, rd.messages().size()).clear();
        raft.readStates.subList(0, rd.readStates().size()).clear();
    }

    /** A snapshot of this node's state for status reports and tests. */
    public RaftStatus status() {
        return RaftStatus.of(raft);
    }

    /** Test-only: switches on a deliberate defect (see {@link InjectedBug}). */
    void injectBug(InjectedBug bug) {
        raft.bug = bug;
    }

    /** Test access to the state machine. */
    Raft raft() {
        return raft;
    }
}
