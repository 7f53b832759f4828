package io.etcdj.raft;

import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Snapshot;
import java.util.List;

/**
 * The stable (persisted) part of the Raft log, as the core sees it: read-only queries. The driver
 * writes to it (after persisting to the WAL) and the core only reads.
 *
 * <p>Indexes follow etcd raft: the storage holds a dummy entry at {@code firstIndex() - 1} whose
 * term is known (the last compacted or snapshot entry), so {@link #term} answers for it.
 */
public interface RaftStorage {
    /** Hard state and membership as last persisted. */
    InitialState initialState();

    /**
     * Entries in {@code [lo, hi)}, at most about {@code maxBytes} (always at least one entry).
     *
     * @throws CompactedException   if {@code lo < firstIndex()}
     * @throws UnavailableException if {@code hi > lastIndex() + 1}
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /** The term of the entry at {@code index}, valid for {@code firstIndex()-1 <= index <= lastIndex()}. */
    long term(long index);

    long firstIndex();

    long lastIndex();

    /** The most recent snapshot. */
    Snapshot snapshot();

    /** What a node restarts from. */
    record InitialState(HardState hardState, ConfState confState) {
    }

    /** The requested index was compacted away. */
    final class CompactedException extends RuntimeException {
        public CompactedException(long index, long firstIndex) {
            super("raft: requested index " + index + " is unavailable due to compaction (first index " + firstIndex + ")",
                    null, false, false);
        }
    }

    /** The requested entries are not (yet) in the storage. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(long index, long lastIndex) {
            super("raft: requested entry at index " + index + " is unavailable (last index " + lastIndex + ")",
                    null, false, false);
        }
    }
}
