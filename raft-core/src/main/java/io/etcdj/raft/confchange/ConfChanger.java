package io.etcdj.raft.confchange;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.raft.tracker.ProgressTracker;

/**
 * Applies single-node membership changes (etcd's "simple" changes: one voter added or removed at a
 * time, so any two consecutive majorities overlap) to a {@link ProgressTracker}, and rebuilds a
 * tracker from a {@link ConfState}.
 *
 * <p>A change is validated before anything is mutated: a rejected change leaves the tracker as it
 * was. Every member applies the same committed changes in the same order, so rejecting one
 * deterministically is as safe as applying it.
 *
 * <p>TODO(joint consensus): ConfChangeV2 and joint configurations are not supported; etcd 3.4's
 * server only proposes single changes, which is all the server here needs.
 */
public final class ConfChanger {
    private ConfChanger() {
    }

    /** Why a change was refused. */
    public static final class RefusedException extends RuntimeException {
        public RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Applies {@code cc}; new members start probing at {@code lastIndex} (the leader's last index,
     * as etcd: the first probe then carries just the last entry).
     *
     * @throws RefusedException when the change would leave no voter
     */
    public static void apply(ProgressTracker tracker, ConfChange cc, long lastIndex) {
        long id = cc.getNodeId();
        if (id == 0) {
            throw new RefusedException("raft: conf change for node 0 (none)");
        }
        long next = Math.max(lastIndex, 1);
        switch (cc.getType()) {
            case ConfChangeAddNode -> tracker.addVoter(id, next);
            case ConfChangeAddLearnerNode -> {
                if (tracker.voters().contains(id) && tracker.voters().size() == 1) {
                    throw new RefusedException("raft: demoting " + Long.toHexString(id) + " would remove all voters");
                }
                tracker.addLearner(id, next);
            }
            case ConfChangeRemoveNode -> {
                if (tracker.voters().contains(id) && tracker.voters().size() == 1) {
                    throw new RefusedException("raft: removing " + Long.toHexString(id) + " would remove all voters");
                }
                tracker.remove(id);
            }
            case ConfChangeUpdateNode -> {
                // Membership unchanged: the update concerns the application (peer URLs).
            }
            default -> throw new RefusedException("raft: unknown conf change type " + cc.getType());
        }
    }

    /** A tracker holding exactly the members of {@code cs}. */
    public static ProgressTracker restore(ConfState cs, int maxInflight, long lastIndex) {
        if (cs.getVotersOutgoingCount() > 0 || cs.getLearnersNextCount() > 0 || cs.getAutoLeave()) {
            throw new UnsupportedOperationException("TODO(joint consensus): cannot restore joint configuration " + cs);
        }
        ProgressTracker tracker = new ProgressTracker(maxInflight);
        long next = Math.max(lastIndex, 1);
        for (long id : cs.getVotersList()) {
            tracker.addVoter(id, next);
        }
        for (long id : cs.getLearnersList()) {
            if (tracker.voters().contains(id)) {
                throw new IllegalArgumentException("raft: " + Long.toHexString(id) + " is both voter and learner in " + cs);
            }
            tracker.addLearner(id, next);
        }
        return tracker;
    }
}
