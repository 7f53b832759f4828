package io.etcdj.raft;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Message;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One Raft node as a pure state machine, in the shape of etcd raft's RawNode: inputs are
 * {@link #tick()}, {@link #propose}, {@link #readIndex}, {@link #step}; output is a {@link Ready}
 * acknowledged with {@link #advance}. No threads, clocks, sockets or files: the driver owns those.
 *
 * <p>TODO(issue 4: clustering): this core is complete for a group with a single voter — election,
 * log append, commit, apply tracking, ReadIndex, configuration bookkeeping — and refuses to campaign
 * with more than one voter. Vote and append messages, progress tracking, pre-vote and check-quorum
 * come with the multi-member core; the {@link Ready} contract already covers them.
 */
public final class RawNode {
    private static final long NONE = 0;

    private final long id;
    private final RaftLog log;
    private final RaftConfig config;
    private final System.Logger logger;

    private long term;
    private long vote;
    private long leader = NONE;
    private RaftRole role = RaftRole.FOLLOWER;
    private final TreeSet<Long> voters = new TreeSet<>();
    private final TreeSet<Long> learners = new TreeSet<>();

    private int electionElapsed;
    private int randomizedElectionTimeout;

    private final List<Message> messages = new ArrayList<>();
    private final List<Ready.ReadState> readStates = new ArrayList<>();

    private HardState prevHardState;
    private Ready.SoftState prevSoftState;

    public RawNode(RaftConfig config) {
        this.config = config;
        this.id = config.id();
        this.logger = config.logger();
        this.log = new RaftLog(config.storage(), config.applied());
        RaftStorage.InitialState init = config.storage().initialState();
        HardState hs = init.hardState();
        this.term = hs.getTerm();
        this.vote = hs.getVote();
        if (hs.getCommit() > 0) {
            if (hs.getCommit() < log.committed || hs.getCommit() > log.lastIndex()) {
                throw new IllegalStateException("raft: " + id + " state.commit " + hs.getCommit()
                        + " is out of range [" + log.committed + ", " + log.lastIndex() + "]");
            }
            log.committed = hs.getCommit();
        }
        if (config.applied() > log.committed) {
            throw new IllegalStateException("raft: applied index " + config.applied()
                    + " is beyond the committed index " + log.committed + " (the WAL lost entries the backend applied)");
        }
        ConfState cs = init.confState();
        voters.addAll(cs.getVotersList());
        learners.addAll(cs.getLearnersList());
        resetRandomizedElectionTimeout();
        this.prevHardState = hardState();
        this.prevSoftState = softState();
    }

    /**
     * Starts a brand-new group: the initial members become conf-change entries at term 1, already
     * committed, as etcd does, so membership lives in the log from the first entry. Call once, on an
     * empty storage, before anything else.
     */
    public void bootstrap(List<ConfChange> initialMembers) {
        if (log.lastIndex() != 0) {
            throw new IllegalStateException("raft: can only bootstrap an empty log");
        }
        becomeFollower(1, NONE);
        List<Entry> entries = new ArrayList<>();
        long index = 0;
        for (ConfChange cc : initialMembers) {
            index++;
            entries.add(Entry.newBuilder().setTerm(1).setIndex(index).setType(EntryType.EntryConfChange)
                    .setData(cc.toByteString()).build());
        }
        log.append(entries);
        log.committed = index;
        for (ConfChange cc : initialMembers) {
            applyConfChange(cc);
        }
    }

    public long id() {
        return id;
    }

    public long term() {
        return term;
    }

    public long leader() {
        return leader;
    }

    public RaftRole role() {
        return role;
    }

    public long committedIndex() {
        return log.committed;
    }

    public long appliedIndex() {
        return log.applied;
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** Advances the logical clock by one tick (the driver calls it every heartbeat interval / heartbeatTicks). */
    public void tick() {
        if (role == RaftRole.LEADER) {
            return;  // TODO(issue 4): heartbeats and check-quorum
        }
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            campaign();
        }
    }

    /** Starts an election now (used at start-up of a single-member group to avoid waiting a timeout). */
    public void campaign() {
        if (!promotable() || role == RaftRole.LEADER) {
            return;
        }
        if (voters.size() > 1) {
            throw new UnsupportedOperationException("TODO(issue 4): elections with more than one voter");
        }
        becomeCandidate();
        // The only voter votes for itself: that is a quorum.
        becomeLeader();
    }

    /**
     * Proposes data to be appended to the log.
     *
     * @throws ProposalDroppedException when this node cannot accept proposals now (no leader, or not
     *                                  the leader and forwarding is not available)
     */
    public void propose(byte[] data) {
        proposeEntry(EntryType.EntryNormal, ByteString.copyFrom(data));
    }

    /** Proposes a membership change; it takes effect when the driver calls {@link #applyConfChange} after it commits. */
    public void proposeConfChange(ConfChange change) {
        proposeEntry(EntryType.EntryConfChange, change.toByteString());
    }

    private void proposeEntry(EntryType type, ByteString data) {
        if (role != RaftRole.LEADER) {
            throw new ProposalDroppedException(leader == NONE ? "raft proposal dropped: no leader"
                    : "raft proposal dropped: not the leader (TODO(issue 4): forward to " + Long.toHexString(leader) + ")");
        }
        appendEntry(Entry.newBuilder().setType(type).setData(data));
    }

    /**
     * Asks for a linearizable read point. The answer arrives as a {@link Ready.ReadState} with the
     * same context once leadership is confirmed for the current term.
     */
    public void readIndex(byte[] context) {
        if (role != RaftRole.LEADER) {
            throw new ProposalDroppedException("raft: read index dropped: not the leader");
        }
        // A new leader does not know the commit index until it commits an entry of its own term.
        if (log.term(log.committed) != term) {
            throw new ProposalDroppedException("raft: read index dropped: leader has not committed in its term yet");
        }
        // A single voter is its own quorum: leadership is confirmed without a round of heartbeats.
        readStates.add(new Ready.ReadState(log.committed, context));
    }

    /** Delivers a message from a peer. */
    public void step(Message message) {
        throw new UnsupportedOperationException("TODO(issue 4): peer messages (" + message.getType() + ")");
    }

    /** Applies a committed membership change to the core's configuration and returns the new one. */
    public ConfState applyConfChange(ConfChange cc) {
        long node = cc.getNodeId();
        ConfChangeType type = cc.getType();
        switch (type) {
            case ConfChangeAddNode -> {
                learners.remove(node);
                voters.add(node);
            }
            case ConfChangeAddLearnerNode -> {
                if (!voters.contains(node)) {
                    learners.add(node);
                }
            }
            case ConfChangeRemoveNode -> {
                voters.remove(node);
                learners.remove(node);
            }
            case ConfChangeUpdateNode -> {
            }
            default -> throw new IllegalArgumentException("raft: unknown conf change type " + type);
        }
        return confState();
    }

    public ConfState confState() {
        return ConfState.newBuilder().addAllVoters(voters).addAllLearners(learners).build();
    }

    public boolean hasReady() {
        return !log.unstableEntries().isEmpty() || log.hasNextCommittedEntries() || !messages.isEmpty()
                || !readStates.isEmpty() || !hardState().equals(prevHardState) || !softState().equals(prevSoftState);
    }

    /** What the driver must do now; see {@link Ready} for the order. Call {@link #advance} when done. */
    public Ready ready() {
        HardState hs = hardState();
        Ready.SoftState ss = softState();
        List<Entry> entries = log.unstableEntries();
        boolean hardStateChanged = !hs.equals(prevHardState);
        boolean mustSync = !entries.isEmpty() || hs.getTerm() != prevHardState.getTerm()
                || hs.getVote() != prevHardState.getVote();
        return new Ready(ss.equals(prevSoftState) ? null : ss, hardStateChanged ? hs : null, entries,
                log.nextCommittedEntries(config.maxCommittedBytes()), List.copyOf(messages), List.copyOf(readStates),
                mustSync);
    }

    /** The driver finished the given Ready: its entries are persisted and its committed entries applied. */
    public void advance(Ready rd) {
        if (rd.softState() != null) {
            prevSoftState = rd.softState();
        }
        if (rd.hardState() != null) {
            prevHardState = rd.hardState();
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            log.stableTo(last.getIndex(), last.getTerm());
        }
        if (!rd.committedEntries().isEmpty()) {
            log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
        }
        messages.subList(0, rd.messages().size()).clear();
        readStates.subList(0, rd.readStates().size()).clear();
    }

    // ---- role changes

    private void becomeFollower(long newTerm, long newLeader) {
        reset(newTerm);
        leader = newLeader;
        role = RaftRole.FOLLOWER;
        logger.log(System.Logger.Level.INFO, "{0} became follower at term {1}", hex(id), term);
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = RaftRole.CANDIDATE;
        logger.log(System.Logger.Level.INFO, "{0} became candidate at term {1}", hex(id), term);
    }

    private void becomeLeader() {
        leader = id;
        role = RaftRole.LEADER;
        // An empty entry of the new term: committing it commits everything before (Raft §5.4.2) and
        // makes ReadIndex possible.
        appendEntry(Entry.newBuilder().setType(EntryType.EntryNormal));
        logger.log(System.Logger.Level.INFO, "{0} became leader at term {1}", hex(id), term);
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        leader = NONE;
        electionElapsed = 0;
        resetRandomizedElectionTimeout();
    }

    private void appendEntry(Entry.Builder entry) {
        long index = log.lastIndex() + 1;
        log.append(List.of(entry.setTerm(term).setIndex(index).build()));
        // The leader's own copy counts towards the quorum once appended (etcd raft does the same; the
        // driver persists it before applying anything committed by it). With one voter that is the quorum.
        if (voters.size() == 1 && voters.contains(id)) {
            log.maybeCommit(index, term);
        }
    }

    private boolean promotable() {
        return voters.contains(id);
    }

    private void resetRandomizedElectionTimeout() {
        randomizedElectionTimeout = config.electionTicks() + config.random().nextInt(config.electionTicks());
    }

    private HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(log.committed).build();
    }

    private Ready.SoftState softState() {
        return new Ready.SoftState(leader, role);
    }

    private static String hex(long v) {
        return Long.toHexString(v);
    }
}
