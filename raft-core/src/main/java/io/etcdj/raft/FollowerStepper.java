package io.etcdj.raft;

import io.etcdj.api.raftpb.Message;
import java.lang.System.Logger.Level;

/** A follower: takes appends, heartbeats and snapshots from its leader; forwards proposals and reads to it. */
final class FollowerStepper implements RoleStepper {
    static final FollowerStepper INSTANCE = new FollowerStepper();

    private FollowerStepper() {
    }

    @Override
    public void step(Raft r, Message m) {
        switch (m.getType()) {
            case MsgProp -> {
                if (r.lead == Raft.NONE) {
                    throw new ProposalDroppedException("raft proposal dropped: no leader at term " + r.term);
                }
                r.send(m.toBuilder().setTo(r.lead));
            }
            case MsgApp -> {
                r.electionElapsed = 0;
                r.lead = m.getFrom();
                r.handleAppendEntries(m);
            }
            case MsgHeartbeat -> {
                r.electionElapsed = 0;
                r.lead = m.getFrom();
                r.handleHeartbeat(m);
            }
            case MsgSnap -> {
                r.electionElapsed = 0;
                r.lead = m.getFrom();
                r.handleSnapshot(m);
            }
            case MsgTransferLeader -> {
                if (r.lead == Raft.NONE) {
                    r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " no leader at term " + r.term + "; dropping leader transfer msg");
                    return;
                }
                r.send(m.toBuilder().setTo(r.lead));
            }
            case MsgTimeoutNow -> {
                if (r.promotable()) {
                    r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " [term " + r.term + "] received MsgTimeoutNow from "
                            + Raft.hex(m.getFrom()) + " and starts an election to get leadership.");
                    // A transfer skips pre-vote: the leader asked for it, there is no partition to recover from.
                    r.campaign(Raft.CampaignType.TRANSFER);
                } else {
                    r.logger.log(Level.INFO, () -> Raft.hex(r.id) + " received MsgTimeoutNow from " + Raft.hex(m.getFrom())
                            + " but is not promotable");
                }
            }
            case MsgReadIndex -> {
                if (r.lead == Raft.NONE) {
                    throw new ProposalDroppedException("raft: read index dropped: no leader at term " + r.term);
                }
                r.send(m.toBuilder().setTo(r.lead));
            }
            case MsgReadIndexResp -> {
                if (m.getEntriesCount() != 1) {
                    r.logger.log(Level.ERROR, () -> Raft.hex(r.id) + " invalid format of MsgReadIndexResp from "
                            + Raft.hex(m.getFrom()) + ", entries count: " + m.getEntriesCount());
                    return;
                }
                r.readStates.add(new Ready.ReadState(m.getIndex(), m.getEntries(0).getData().toByteArray()));
            }
            default -> {
                // Anything else (late vote answers, answers meant for a leader) is stale here.
            }
        }
    }
}
