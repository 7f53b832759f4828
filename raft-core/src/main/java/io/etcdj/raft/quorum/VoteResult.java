package io.etcdj.raft.quorum;

/** The outcome of an election as far as the votes received so far tell. */
public enum VoteResult {
    /** Neither won nor lost yet: the missing votes can still decide either way. */
    PENDING,
    /** A quorum rejected: the election cannot be won any more. */
    LOST,
    /** A quorum granted. */
    WON
}
