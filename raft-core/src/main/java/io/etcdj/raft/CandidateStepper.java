package io.etcdj.raft;

import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.raft.tracker.VoteTally;
import java.lang.System.Logger.Level;

/**
 * A candidate or pre-candidate: counts the answers of its own kind of campaign, and yields to a
 * leader of its term.
 */
final class CandidateStepper implements RoleStepper {
    static final CandidateStepper INSTANCE = new CandidateStepper();

    private CandidateStepper() {
    }

    @Override
    public void step(Raft r, Message m) {
        // A candidate may still get pre-vote answers of this term from its pre-campaign: only the
        // answers of the current campaign count.
        MessageType myVoteResp = r.role == RaftRole.PRE_CANDIDATE ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
        MessageType type = m.getType();
        if (type == MessageType.MsgProp) {
            throw new ProposalDroppedException("raft proposal dropped: no leader at term " + r.term);
        } else if (type == MessageType.MsgReadIndex) {
            throw new ProposalDroppedException("raft: read index dropped: no leader at term " + r.term);
        } else if (type == MessageType.MsgApp) {
            r.becomeFollower(m.getTerm(), m.getFrom());  // m.term == r.term: someone won this term
            r.handleAppendEntries(m);
        } else if (type == MessageType.MsgHeartbeat) {
            r.becomeFollower(m.getTerm(), m.getFrom());
            r.handleHeartbeat(m);
        } else if (type == MessageType.MsgSnap) {
            r.becomeFollower(m.getTerm(), m.getFrom());
            r.handleSnapshot(m);
        } else if (type == myVoteResp) {
            VoteTally tally = r.poll(m.getFrom(), !m.getReject());
            r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " has received " + tally.granted() + " " + type
                    + " votes and " + tally.rejected() + " vote rejections");
            switch (tally.result()) {
                case WON -> {
                    if (!r.promotable()) {
                        // Removed or demoted while campaigning: a non-voter must not lead.
                        r.becomeFollower(r.term, Raft.NONE);
                    } else if (r.role == RaftRole.PRE_CANDIDATE) {
                        r.campaign(Raft.CampaignType.ELECTION);
                    } else {
                        r.becomeLeader();
                        r.replicator.bcastAppend();
                    }
                }
                // A pre-vote rejection names a future term (ours + 1): stay at ours.
                case LOST -> r.becomeFollower(r.term, Raft.NONE);
                case PENDING -> {
                }
            }
        }
        // MsgTimeoutNow and anything else: ignored while campaigning.
    }
}
