package io.etcdj.raft;

import io.etcdj.api.raftpb.Message;

/**
 * What a node does with a message of its current term (or a local message), given its role. The
 * term checks and vote requests common to all roles happen before, in {@link Raft#step}.
 */
sealed interface RoleStepper permits FollowerStepper, CandidateStepper, LeaderStepper {
    /** @throws ProposalDroppedException when a local proposal cannot be taken */
    void step(Raft r, Message m);
}
