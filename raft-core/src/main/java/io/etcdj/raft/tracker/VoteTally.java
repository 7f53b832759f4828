package io.etcdj.raft.tracker;

import io.etcdj.raft.quorum.VoteResult;

/** Votes counted so far in an election (voters only) and what they decide. */
public record VoteTally(int granted, int rejected, VoteResult result) {
}
