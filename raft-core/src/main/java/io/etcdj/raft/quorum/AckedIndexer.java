package io.etcdj.raft.quorum;

/** What a voter has acknowledged (a log index, a read round, ...); 0 for a voter that acknowledged nothing. */
@FunctionalInterface
public interface AckedIndexer {
    long ackedIndex(long voterId);
}
