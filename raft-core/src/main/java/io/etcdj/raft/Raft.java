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
import io.etcdj.raft.confchange.ConfChanger;
import io.etcdj.raft.quorum.VoteResult;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressTracker;
import io.etcdj.raft.tracker.VoteTally;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Raft state machine behind {@link RawNode}, modelled on etcd raft's {@code raft} struct: term
 * and vote, the log, the membership with each member's progress, the election and heartbeat
 * clocks, and the outbox of messages. Role behaviour lives in the {@link RoleStepper}s and log
 * shipping in {@link Replicator}; this class holds the state and what all roles share (term
 * handling, voting, role transitions, configuration changes). No I/O, single-threaded.
 */
final class Raft {
    static final long NONE = 0;
    /** Context of vote requests sent on a leadership transfer: they bypass the leader lease. */
    static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

    enum CampaignType { PRE_ELECTION, ELECTION, TRANSFER }

    final long id;
    final RaftLog log;
    final System.Logger logger;
    final int electionTimeout;
    final int heartbeatTimeout;
    final boolean preVote;
    final boolean checkQuorum;
    final long maxSizePerMsg;
    final int maxInflight;
    private final RandomGenerator random;
    final Replicator replicator = new Replicator(this);

    long term;
    long vote;
    long lead = NONE;
    RaftRole role = RaftRole.FOLLOWER;
    RoleStepper stepper = FollowerStepper.INSTANCE;
    ProgressTracker tracker;
    /** The member leadership is being transferred to, or NONE. */
    long leadTransferee = NONE;
    /**
     * At least the index of the last conf change in the log that may not be applied yet: a new
     * one may only be proposed once the applied index reached it (one change at a time).
     */
    long pendingConfIndex;
    final ReadIndexRounds reads = new ReadIndexRounds();
    /** Reads that arrived before this leader committed an entry of its term (it cannot vouch for its commit index yet). */
    final List<Message> readsAwaitingCommitInTerm = new ArrayList<>();

    /** Ticks since the last election timeout (leader, candidate) or since hearing from the leader (follower). */
    int electionElapsed;
    /** Ticks since the last heartbeat (leader only). */
    int heartbeatElapsed;
    /** In [electionTimeout, 2 * electionTimeout): drawn anew on every role change. */
    int randomizedElectionTimeout;

    final List<Message> msgs = new ArrayList<>();
    final List<Ready.ReadState> readStates = new ArrayList<>();

    InjectedBug bug = InjectedBug.NONE;

    Raft(RaftConfig config) {
        this.id = config.id();
        this.logger = config.logger();
        this.random = config.random();
        this.electionTimeout = config.electionTicks();
        this.heartbeatTimeout = config.heartbeatTicks();
        this.preVote = config.preVote();
        this.checkQuorum = config.checkQuorum();
        this.maxSizePerMsg = config.maxSizePerMsg();
        this.maxInflight = config.maxInflightMsgs();
        this.log = new RaftLog(config.storage(), config.applied());
        RaftStorage.InitialState init = config.storage().initialState();
        this.tracker = ConfChanger.restore(init.confState(), maxInflight, log.lastIndex());
        HardState hs = init.hardState();
        if (hs.getCommit() > 0) {
            if (hs.getCommit() < log.committed || hs.getCommit() > log.lastIndex()) {
                throw new IllegalStateException("raft: " + hex(id) + " state.commit " + hs.getCommit()
                        + " is out of range [" + log.committed + ", " + log.lastIndex() + "]");
            }
            log.committed = hs.getCommit();
        }
        if (config.applied() > log.committed) {
            throw new IllegalStateException("raft: applied index " + config.applied() + " is beyond the committed index "
                    + log.committed + " (the WAL lost entries the backend applied)");
        }
        this.term = hs.getTerm();
        this.vote = hs.getVote();
        becomeFollower(term, NONE);
        logger.log(Level.INFO, () -> "newRaft " + hex(id) + " [peers: " + tracker.voters() + ", term: " + term
                + ", commit: " + log.committed + ", applied: " + log.applied + ", lastindex: " + log.lastIndex()
                + ", lastterm: " + log.lastTerm() + "]");
    }

    HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(log.committed).build();
    }

    Ready.SoftState softState() {
        return new Ready.SoftState(lead, role);
    }

    boolean promotable() {
        Progress pr = tracker.progress(id);
        return pr != null && !pr.isLearner();
    }

    // ---- outbox

    /**
     * Queues a message from this node. Vote traffic carries its term explicitly (a pre-vote names
     * the term it would campaign in); forwarded proposals and reads carry none (they are the
     * leader's to judge); everything else carries the current term.
     */
    void send(Message.Builder m) {
        m.setFrom(id);
        MessageType t = m.getType();
        if (isVoteTraffic(t)) {
            if (m.getTerm() == 0) {
                throw new IllegalStateException("raft: term should be set when sending " + t);
            }
        } else {
            if (m.getTerm() != 0) {
                throw new IllegalStateException("raft: term should not be set when sending " + t + " (was " + m.getTerm() + ")");
            }
            if (t != MessageType.MsgProp && t != MessageType.MsgReadIndex) {
                m.setTerm(term);
            }
        }
        msgs.add(m.build());
    }

    static Message.Builder msg(MessageType type, long to) {
        return Message.newBuilder().setType(type).setTo(to);
    }

    private static boolean isVoteTraffic(MessageType t) {
        return t == MessageType.MsgVote || t == MessageType.MsgVoteResp || t == MessageType.MsgPreVote
                || t == MessageType.MsgPreVoteResp;
    }

    // ---- clock

    void tick() {
        if (role == RaftRole.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            step(msg(MessageType.MsgHup, NONE).setFrom(id).build());
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= electionTimeout) {
            electionElapsed = 0;
            if (checkQuorum) {
                step(msg(MessageType.MsgCheckQuorum, NONE).setFrom(id).build());
            }
            // A transfer that did not finish within an election timeout is abandoned (a leader that
            // is no longer a voter tries again, maybe with another successor).
            if (role == RaftRole.LEADER && leadTransferee != NONE) {
                abortLeaderTransfer();
            }
            if (role == RaftRole.LEADER && !promotable()) {
                handOverLeadership();
            }
        }
        if (role != RaftRole.LEADER) {
            return;
        }
        if (heartbeatElapsed >= heartbeatTimeout) {
            heartbeatElapsed = 0;
            step(msg(MessageType.MsgBeat, NONE).setFrom(id).build());
        }
    }

    // ---- the entry point for every message

    void step(Message m) {
        MessageType type = m.getType();
        if (m.getTerm() == 0) {
            // local message, or a forwarded proposal / read
        } else if (m.getTerm() > term) {
            if (type == MessageType.MsgVote || type == MessageType.MsgPreVote) {
                boolean force = m.getContext().equals(CAMPAIGN_TRANSFER);
                boolean inLease = checkQuorum && lead != NONE && electionElapsed < electionTimeout;
                if (!force && inLease) {
                    // Leader stickiness (thesis §4.2.3): while we hear from a leader, a disruptive
                    // candidate (say, one rejoining after a partition) gets neither vote nor term bump.
                    logger.log(Level.INFO, () -> hex(id) + " [logterm: " + log.lastTerm() + ", index: " + log.lastIndex()
                            + ", vote: " + hex(vote) + "] ignored " + type + " from " + hex(m.getFrom()) + " [logterm: "
                            + m.getLogTerm() + ", index: " + m.getIndex() + "] at term " + term
                            + ": lease is not expired (remaining ticks: " + (electionTimeout - electionElapsed) + ")");
                    return;
                }
            }
            if (type == MessageType.MsgPreVote) {
                // A pre-vote never changes our term.
            } else if (type == MessageType.MsgPreVoteResp && !m.getReject()) {
                // A granted pre-vote carries the term we are about to campaign in; the term moves
                // when the pre-campaign wins.
            } else {
                logger.log(Level.INFO, () -> hex(id) + " [term: " + term + "] received a " + type
                        + " message with higher term from " + hex(m.getFrom()) + " [term: " + m.getTerm() + "]");
                boolean fromLeader = type == MessageType.MsgApp || type == MessageType.MsgHeartbeat
                        || type == MessageType.MsgSnap;
                becomeFollower(m.getTerm(), fromLeader ? m.getFrom() : NONE);
            }
        } else if (m.getTerm() < term) {
            if ((checkQuorum || preVote) && (type == MessageType.MsgHeartbeat || type == MessageType.MsgApp)) {
                // A leader of an older term: with check-quorum or pre-vote our term may have moved on
                // without it ever hearing a vote request, so tell it (its next step is to step down).
                send(msg(MessageType.MsgAppResp, m.getFrom()));
            } else if (type == MessageType.MsgPreVote) {
                // Answer, so a pre-candidate with a stale term learns it and does not wait forever.
                send(msg(MessageType.MsgPreVoteResp, m.getFrom()).setTerm(term).setReject(true));
            }
            return;
        }

        switch (type) {
            case MsgHup -> hup();
            case MsgVote, MsgPreVote -> handleVoteRequest(m);
            default -> stepper.step(this, m);
        }
    }

    private void hup() {
        if (role == RaftRole.LEADER) {
            return;
        }
        if (!promotable()) {
            logger.log(Level.WARNING, () -> hex(id) + " is unpromotable and can not campaign");
            return;
        }
        // Campaigning with a committed but unapplied conf change could make us leader under a
        // configuration we do not know yet.
        if (log.committed > log.applied) {
            int pending = countConfChanges(log.slice(log.applied + 1, log.committed + 1, Long.MAX_VALUE));
            if (pending != 0) {
                logger.log(Level.WARNING, () -> hex(id) + " cannot campaign at term " + term + " since there are still "
                        + pending + " pending configuration changes to apply");
                return;
            }
        }
        logger.log(Level.INFO, () -> hex(id) + " is starting a new election at term " + term);
        campaign(preVote ? CampaignType.PRE_ELECTION : CampaignType.ELECTION);
    }

    /** Becomes (pre-)candidate and asks every voter; a single voter wins on its own vote. */
    void campaign(CampaignType type) {
        MessageType voteType;
        long voteTerm;
        if (type == CampaignType.PRE_ELECTION) {
            becomePreCandidate();
            voteType = MessageType.MsgPreVote;
            voteTerm = term + 1;  // pre-votes name the term we would campaign in, without moving to it
        } else {
            becomeCandidate();
            voteType = MessageType.MsgVote;
            voteTerm = term;
        }
        if (poll(id, true).result() == VoteResult.WON) {
            if (type == CampaignType.PRE_ELECTION) {
                campaign(CampaignType.ELECTION);
            } else {
                becomeLeader();
            }
            return;
        }
        for (long voter : tracker.voters().ids()) {
            if (voter == id) {
                continue;
            }
            logger.log(Level.INFO, () -> hex(id) + " [logterm: " + log.lastTerm() + ", index: " + log.lastIndex()
                    + "] sent " + voteType + " request to " + hex(voter) + " at term " + term);
            Message.Builder m = msg(voteType, voter).setTerm(voteTerm).setIndex(log.lastIndex()).setLogTerm(log.lastTerm());
            if (type == CampaignType.TRANSFER) {
                m.setContext(CAMPAIGN_TRANSFER);
            }
            send(m);
        }
    }

    VoteTally poll(long from, boolean granted) {
        tracker.recordVote(from, granted);
        return tracker.tallyVotes();
    }

    private void handleVoteRequest(Message m) {
        MessageType respType = m.getType() == MessageType.MsgVote ? MessageType.MsgVoteResp : MessageType.MsgPreVoteResp;
        // We can vote if this repeats a vote we cast, if we have not voted and know no leader in
        // this term, or if it is a pre-vote for a future term...
        boolean canVote = vote == m.getFrom() || (vote == NONE && lead == NONE) || bug == InjectedBug.VOTE_TWICE_IN_A_TERM
                || (m.getType() == MessageType.MsgPreVote && m.getTerm() > term);
        // ...and the candidate's log is at least as up to date as ours (Raft §5.4.1).
        boolean upToDate = bug == InjectedBug.VOTE_WITHOUT_LOG_CHECK || log.isUpToDate(m.getIndex(), m.getLogTerm());
        // Learners vote too when asked: a learner promoted by a change it has not applied yet may
        // be needed for a quorum, and a candidate only asks members it believes are voters.
        if (canVote && upToDate) {
            logger.log(Level.INFO, () -> hex(id) + " [logterm: " + log.lastTerm() + ", index: " + log.lastIndex()
                    + ", vote: " + hex(vote) + "] cast " + m.getType() + " for " + hex(m.getFrom()) + " [logterm: "
                    + m.getLogTerm() + ", index: " + m.getIndex() + "] at term " + term);
            // The answer carries the request's term: for a pre-vote ours may be older, and the
            // pre-candidate ignores answers of other terms.
            send(msg(respType, m.getFrom()).setTerm(m.getTerm()));
            if (m.getType() == MessageType.MsgVote) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            logger.log(Level.INFO, () -> hex(id) + " [logterm: " + log.lastTerm() + ", index: " + log.lastIndex()
                    + ", vote: " + hex(vote) + "] rejected " + m.getType() + " from " + hex(m.getFrom()) + " [logterm: "
                    + m.getLogTerm() + ", index: " + m.getIndex() + "] at term " + term);
            send(msg(respType, m.getFrom()).setTerm(term).setReject(true));
        }
    }

    // ---- role transitions

    void becomeFollower(long newTerm, long newLead) {
        stepper = FollowerStepper.INSTANCE;
        reset(newTerm);
        lead = newLead;
        role = RaftRole.FOLLOWER;
        logger.log(Level.INFO, () -> hex(id) + " became follower at term " + term);
    }

    void becomeCandidate() {
        if (role == RaftRole.LEADER) {
            throw new IllegalStateException("raft: invalid transition [leader -> candidate]");
        }
        stepper = CandidateStepper.INSTANCE;
        reset(term + 1);
        vote = id;
        role = RaftRole.CANDIDATE;
        logger.log(Level.INFO, () -> hex(id) + " became candidate at term " + term);
    }

    void becomePreCandidate() {
        if (role == RaftRole.LEADER) {
            throw new IllegalStateException("raft: invalid transition [leader -> pre-candidate]");
        }
        // Neither the term nor the vote moves: a pre-campaign that fails leaves no trace.
        stepper = CandidateStepper.INSTANCE;
        tracker.resetVotes();
        lead = NONE;
        role = RaftRole.PRE_CANDIDATE;
        logger.log(Level.INFO, () -> hex(id) + " became pre-candidate at term " + term);
    }

    void becomeLeader() {
        if (role == RaftRole.FOLLOWER) {
            throw new IllegalStateException("raft: invalid transition [follower -> leader]");
        }
        stepper = LeaderStepper.INSTANCE;
        reset(term);
        lead = id;
        role = RaftRole.LEADER;
        tracker.progress(id).becomeReplicate();
        // Whether the log holds an unapplied conf change is unknown without scanning it: wait until
        // everything in it now is applied before accepting another change.
        pendingConfIndex = log.lastIndex();
        // An empty entry of the new term: committing it commits everything before it (§5.4.2) and
        // lets ReadIndex trust the commit index.
        appendEntries(List.of(Entry.newBuilder().setType(EntryType.EntryNormal).build()));
        logger.log(Level.INFO, () -> hex(id) + " became leader at term " + term);
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        resetRandomizedElectionTimeout();
        abortLeaderTransfer();
        tracker.resetVotes();
        long last = log.lastIndex();
        tracker.forEach((pid, pr) -> pr.resetForTerm(last + 1, pid == id ? last : 0));
        pendingConfIndex = 0;
        reads.reset();
        readsAwaitingCommitInTerm.clear();
    }

    private void resetRandomizedElectionTimeout() {
        randomizedElectionTimeout = electionTimeout + random.nextInt(electionTimeout);
    }

    void abortLeaderTransfer() {
        leadTransferee = NONE;
    }

    // ---- leader's log

    /** Appends entries of the current term; the leader's own copy counts towards the quorum at once. */
    void appendEntries(List<Entry> entries) {
        long li = log.lastIndex();
        List<Entry> stamped = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            stamped.add(entries.get(i).toBuilder().setTerm(term).setIndex(li + 1 + i).build());
        }
        li = log.append(stamped);
        tracker.progress(id).maybeUpdate(li);
        maybeCommit();
    }

    /** Advances the commit index to what a quorum holds, if that entry is of the current term (§5.4.2). */
    boolean maybeCommit() {
        long mci = tracker.committed();
        return log.maybeCommit(mci, term);
    }

    boolean committedEntryInCurrentTerm() {
        return log.term(log.committed) == term;
    }

    // ---- follower's log

    void handleAppendEntries(Message m) {
        if (m.getIndex() < log.committed) {
            // Everything up to our commit index matches by definition: tell the leader where we are.
            send(msg(MessageType.MsgAppResp, m.getFrom()).setIndex(log.committed));
            return;
        }
        long lastNew = log.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
        if (lastNew >= 0) {
            send(msg(MessageType.MsgAppResp, m.getFrom()).setIndex(lastNew));
            return;
        }
        // Reject with a hint: the last index that can still match, skipping every entry whose term
        // is above the leader's entry at m.index (they cannot match it), so the leader skips a whole
        // term per round trip instead of one entry.
        long hintIndex = Math.min(m.getIndex(), log.lastIndex());
        long[] hint = log.findConflictByTerm(hintIndex, m.getLogTerm());
        logger.log(Level.DEBUG, () -> hex(id) + " [logterm: " + log.term(m.getIndex()) + ", index: " + m.getIndex()
                + "] rejected MsgApp [logterm: " + m.getLogTerm() + ", index: " + m.getIndex() + "] from " + hex(m.getFrom()));
        send(msg(MessageType.MsgAppResp, m.getFrom()).setIndex(m.getIndex()).setReject(true)
                .setRejectHint(hint[0]).setLogTerm(hint[1]));
    }

    void handleHeartbeat(Message m) {
        log.commitTo(m.getCommit());
        send(msg(MessageType.MsgHeartbeatResp, m.getFrom()).setContext(m.getContext()));
    }

    void handleSnapshot(Message m) {
        long sindex = m.getSnapshot().getMetadata().getIndex();
        long sterm = m.getSnapshot().getMetadata().getTerm();
        if (restore(m.getSnapshot())) {
            logger.log(Level.INFO, () -> hex(id) + " [commit: " + log.committed + "] restored snapshot [index: " + sindex
                    + ", term: " + sterm + "]");
            send(msg(MessageType.MsgAppResp, m.getFrom()).setIndex(log.lastIndex()));
        } else {
            logger.log(Level.INFO, () -> hex(id) + " [commit: " + log.committed + "] ignored snapshot [index: " + sindex
                    + ", term: " + sterm + "]");
            send(msg(MessageType.MsgAppResp, m.getFrom()).setIndex(log.committed));
        }
    }

    /** Replaces log and membership with a snapshot; false when it is obsolete or not for us. */
    private boolean restore(Snapshot s) {
        long sindex = s.getMetadata().getIndex();
        long sterm = s.getMetadata().getTerm();
        if (sindex <= log.committed) {
            return false;
        }
        if (role != RaftRole.FOLLOWER) {
            // Only a follower is sent snapshots (stepping one makes the node a follower first).
            logger.log(Level.WARNING, () -> hex(id) + " attempted to restore snapshot as " + role + "; should never happen");
            becomeFollower(term + 1, NONE);
            return false;
        }
        ConfState cs = s.getMetadata().getConfState();
        if (!cs.getVotersList().contains(id) && !cs.getLearnersList().contains(id)) {
            // The snapshot predates our addition (the leader's latest snapshot was taken before the
            // conf change that added us). etcd raft refuses it, which leaves a new member stuck until
            // the leader happens to snapshot again, possibly never if that member is needed for a
            // quorum (found by the simulator). Accepting it is safe: the leader only sends to members
            // of its configuration, so the entry adding us follows the snapshot, and we join when we
            // apply it. Until then we are a member without knowing it: we take appends and answer
            // votes (both depend only on our log) but do not campaign.
            logger.log(Level.INFO, () -> hex(id) + " restoring a snapshot whose configuration " + cs
                    + " does not include it yet");
        }
        if (log.matchTerm(sindex, sterm)) {
            // Our log already holds the snapshot's last entry, hence everything before it: just commit.
            logger.log(Level.INFO, () -> hex(id) + " [commit: " + log.committed + ", lastindex: " + log.lastIndex()
                    + ", lastterm: " + log.lastTerm() + "] fast-forwarded commit to snapshot [index: " + sindex
                    + ", term: " + sterm + "]");
            log.commitTo(sindex);
            return false;
        }
        log.restore(s);
        tracker = ConfChanger.restore(cs, maxInflight, log.lastIndex());
        return true;
    }

    // ---- membership

    ConfState applyConfChange(ConfChange cc) {
        try {
            ConfChanger.apply(tracker, cc, log.lastIndex());
        } catch (ConfChanger.RefusedException e) {
            // Every member refuses the same committed change alike, so ignoring it keeps them in step.
            logger.log(Level.WARNING, () -> hex(id) + " ignored conf change " + cc.getType() + " "
                    + hex(cc.getNodeId()) + ": " + e.getMessage());
            return tracker.confState();
        }
        logger.log(Level.INFO, () -> hex(id) + " switched to configuration " + tracker);
        return afterConfigChange();
    }

    private ConfState afterConfigChange() {
        ConfState cs = tracker.confState();
        if (role != RaftRole.LEADER) {
            return cs;
        }
        if (maybeCommit()) {
            // A smaller quorum may commit more now.
            replicator.bcastAppend();
        } else {
            // Probe new members right away rather than at the next heartbeat.
            tracker.forEach((pid, pr) -> {
                if (pid != id) {
                    replicator.maybeSendAppend(pid, false);
                }
            });
        }
        if (leadTransferee != NONE && tracker.progress(leadTransferee) == null) {
            abortLeaderTransfer();
        }
        if (!promotable() && leadTransferee == NONE) {
            handOverLeadership();
        }
        return cs;
    }

    /**
     * The leader was removed or demoted. It keeps leading (its heartbeats and appends still carry the
     * commit index, including the removal's, to the remaining members; the quorum is computed over
     * the new voters only) but takes no proposals, and hands leadership to the most caught-up voter.
     * Stepping down at once instead leaves followers that never learned the removal committed
     * counting this node as a voter, so they may fail to elect anyone for a long time (found by the
     * simulator).
     */
    void handOverLeadership() {
        long successor = NONE;
        long best = -1;
        for (long voter : tracker.voters().ids()) {
            Progress pr = tracker.progress(voter);
            if (voter != id && pr.match() > best) {
                best = pr.match();
                successor = voter;
            }
        }
        if (successor == NONE) {
            becomeFollower(term, NONE);
            return;
        }
        long to = successor;
        logger.log(Level.INFO, () -> hex(id) + " is no longer a voter; transferring leadership to " + hex(to));
        leadTransferee = to;
        electionElapsed = 0;
        if (best == log.lastIndex()) {
            send(msg(MessageType.MsgTimeoutNow, to));
        } else {
            replicator.sendAppend(to);
        }
    }

    ConfState confState() {
        return tracker.confState();
    }

    static int countConfChanges(List<Entry> entries) {
        int n = 0;
        for (Entry e : entries) {
            if (e.getType() == EntryType.EntryConfChange || e.getType() == EntryType.EntryConfChangeV2) {
                n++;
            }
        }
        return n;
    }

    static String hex(long v) {
        return Long.toHexString(v);
    }
}
