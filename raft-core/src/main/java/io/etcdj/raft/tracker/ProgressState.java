package io.etcdj.raft.tracker;

/** How the leader replicates to one follower (etcd raft's tracker.StateType). */
public enum ProgressState {
    /**
     * The leader does not know where the follower's log matches its own: it sends at most one
     * append per heartbeat interval and walks back on rejections until one is accepted.
     */
    PROBE,
    /** The logs match up to {@code match}: appends are pipelined, bounded by the in-flight window. */
    REPLICATE,
    /** The follower needs entries the leader compacted: a snapshot is on its way; appends pause. */
    SNAPSHOT
}
