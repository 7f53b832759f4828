package io.etcdj.raft;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft log as the core sees it: the persisted prefix in {@link RaftStorage} followed by the
 * {@link UnstableLog} suffix the driver has not persisted yet. Tracks the commit and applied
 * indexes. Single-threaded (owned by one {@link RawNode}).
 */
final class RaftLog {
    /** Answer of {@link #termOrUnknown} for an index the log cannot tell (compacted, or past the end). */
    static final long UNKNOWN_TERM = -1;

    private final RaftStorage storage;
    private final UnstableLog unstable;
    long committed;
    long applied;

    RaftLog(RaftStorage storage, long applied) {
        this.storage = storage;
        long first = storage.firstIndex();
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        this.committed = first - 1;
        this.applied = Math.max(first - 1, applied);
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i != UnstableLog.NOT_HERE ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i != UnstableLog.NOT_HERE ? i : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /**
     * The term of {@code index}, or {@link #UNKNOWN_TERM} when it was compacted away or is beyond
     * the last index. The entry just before the first one (the snapshot's) is known.
     */
    long termOrUnknown(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return UNKNOWN_TERM;
        }
        long t = unstable.maybeTerm(index);
        if (t != UnstableLog.NOT_HERE) {
            return t;
        }
        try {
            return storage.term(index);
        } catch (RaftStorage.CompactedException | RaftStorage.UnavailableException e) {
            return UNKNOWN_TERM;  // compacted concurrently by the driver
        }
    }

    /** The term of {@code index}, or 0 when the log cannot tell (as etcd's zeroTermOnErrCompacted). */
    long term(long index) {
        return Math.max(0, termOrUnknown(index));
    }

    boolean matchTerm(long index, long term) {
        long t = termOrUnknown(index);
        return t != UNKNOWN_TERM && t == term;
    }

    /** Raft §5.4.1: a candidate's log is at least as up to date as ours. */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * A follower's side of an append: if our entry at {@code index} has {@code logTerm}, append
     * {@code entries} (truncating at the first conflict), advance the commit index to what the
     * leader committed (bounded by what this append proved), and return the last index the append
     * covers. Returns -1 when the previous entry does not match (the leader must walk back).
     */
    long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> entries) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("raft: entry " + conflict + " conflicts with committed entry [committed("
                        + committed + ")]");
            }
            append(entries.subList((int) (conflict - (index + 1)), entries.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Appends after the last entry, or over a suffix that is not committed. Returns the new last index. */
    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException("raft: after(" + after + ") is out of range [committed(" + committed + ")]");
        }
        unstable.truncateAndAppend(entries);
        return lastIndex();
    }

    /**
     * The index of the first entry of {@code entries} that is not in our log with the same term (a
     * conflict, or simply new), or 0 when all are already present.
     */
    long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /**
     * Walks back from {@code index} to the last entry whose term is at most {@code term}: every entry
     * after it with a larger term cannot match a log whose entry at {@code index} has {@code term}.
     * Returns the index and its term; an index whose term is unknown (compacted) is returned with
     * term 0 as a possible match.
     */
    long[] findConflictByTerm(long index, long term) {
        for (; index > 0; index--) {
            long ours = termOrUnknown(index);
            if (ours == UNKNOWN_TERM) {
                return new long[]{index, 0};
            }
            if (ours <= term) {
                return new long[]{index, ours};
            }
        }
        return new long[]{0, 0};
    }

    List<Entry> unstableEntries() {
        return unstable.entries();
    }

    boolean hasUnstableEntries() {
        return !unstable.isEmpty();
    }

    /** The snapshot received from the leader and not yet persisted, or null. */
    Snapshot unstableSnapshot() {
        return unstable.snapshot();
    }

    /** The latest snapshot: the unstable one, else the storage's. */
    Snapshot snapshot() {
        Snapshot s = unstable.snapshot();
        return s != null ? s : storage.snapshot();
    }

    boolean hasNextCommittedEntries() {
        return committed + 1 > Math.max(applied + 1, firstIndex());
    }

    /** Committed entries not yet applied, at most about {@code maxBytes} (at least one). */
    List<Entry> nextCommittedEntries(long maxBytes) {
        long lo = Math.max(applied + 1, firstIndex());
        if (committed + 1 <= lo) {
            return List.of();
        }
        return slice(lo, committed + 1, maxBytes);
    }

    /** Entries from {@code lo} to the end, at most about {@code maxBytes} (at least one). */
    List<Entry> entriesFrom(long lo, long maxBytes) {
        if (lo > lastIndex()) {
            return List.of();
        }
        return slice(lo, lastIndex() + 1, maxBytes);
    }

    /**
     * Entries in {@code [lo, hi)}, cut after the first entry once they exceed {@code maxBytes}.
     *
     * @throws RaftStorage.CompactedException when {@code lo} was compacted away
     */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        long first = firstIndex();
        if (lo < first) {
            throw new RaftStorage.CompactedException(lo, first);
        }
        if (lo > hi || hi > lastIndex() + 1) {
            throw new IllegalStateException("raft: slice[" + lo + "," + hi + ") out of bound [" + first + ","
                    + lastIndex() + "]");
        }
        List<Entry> out = new ArrayList<>();
        if (lo == hi) {
            return out;
        }
        long stableEnd = Math.min(hi, unstable.offset());
        if (lo < stableEnd) {
            List<Entry> stored;
            try {
                stored = storage.entries(lo, stableEnd, maxBytes);
            } catch (RaftStorage.UnavailableException e) {
                throw new IllegalStateException("raft: entries[" + lo + "," + stableEnd + ") are unavailable from storage", e);
            }
            if (stored.size() < stableEnd - lo) {
                return new ArrayList<>(stored);  // the storage already hit the size limit
            }
            out.addAll(stored);
        }
        if (hi > unstable.offset()) {
            out.addAll(unstable.slice(Math.max(lo, unstable.offset()), hi));
        }
        return limitSize(out, maxBytes);
    }

    private static List<Entry> limitSize(List<Entry> entries, long maxBytes) {
        long size = 0;
        for (int i = 0; i < entries.size(); i++) {
            size += entries.get(i).getSerializedSize();
            if (i > 0 && size > maxBytes) {
                return new ArrayList<>(entries.subList(0, i));
            }
        }
        return entries;
    }

    boolean maybeCommit(long index, long term) {
        if (index > committed && term(index) == term) {
            commitTo(index);
            return true;
        }
        return false;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("raft: tocommit(" + index + ") is out of range [lastIndex("
                        + lastIndex() + ")]. Was the raft log corrupted, truncated, or lost?");
            }
            committed = index;
        }
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (index > committed || index < applied) {
            throw new IllegalStateException("raft: applied(" + index + ") is out of range [prevApplied(" + applied
                    + "), committed(" + committed + ")]");
        }
        applied = index;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /** Replaces the whole log with a snapshot (which is committed by definition). */
    void restore(Snapshot s) {
        committed = s.getMetadata().getIndex();
        unstable.restore(s);
    }
}
