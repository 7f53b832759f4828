package io.etcdj.raft;

/** How sending a snapshot to a follower ended, as the driver reports it with {@link RawNode#reportSnapshot}. */
public enum SnapshotStatus {
    /** The follower received the whole snapshot. */
    FINISHED,
    /** Sending failed; the leader probes the follower again after a heartbeat interval. */
    FAILED
}
