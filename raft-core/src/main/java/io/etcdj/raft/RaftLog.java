package io.etcdj.raft;

import io.etcdj.api.raftpb.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft log as the core sees it: the persisted prefix in {@link RaftStorage} followed by the
 * unstable suffix that the driver has not yet persisted. Tracks the commit and applied indexes.
 * Single-threaded (owned by one {@link RawNode}).
 */
final class RaftLog {
    private final RaftStorage storage;
    /** Entries not yet persisted; {@code unstable.get(0)} has index {@link #unstableOffset}. */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    long committed;
    long applied;

    RaftLog(RaftStorage storage, long applied) {
        this.storage = storage;
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        this.unstableOffset = last + 1;
        this.committed = first - 1;
        this.applied = Math.max(first - 1, applied);
    }

    long firstIndex() {
        return storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        return storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The term of {@code index}, or 0 when it is outside the log. */
    long term(long index) {
        long dummy = firstIndex() - 1;
        if (index < dummy || index > lastIndex()) {
            return 0;
        }
        if (!unstable.isEmpty() && index >= unstableOffset) {
            return unstable.get((int) (index - unstableOffset)).getTerm();
        }
        try {
            return storage.term(index);
        } catch (RaftStorage.CompactedException | RaftStorage.UnavailableException e) {
            return 0;
        }
    }

    boolean matchTerm(long index, long term) {
        return term(index) == term;
    }

    /** Appends entries after the last one (the leader's own proposals). Returns the new last index. */
    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException("raft: appending after " + after + " is out of range [committed("
                    + committed + ")]");
        }
        truncateAndAppend(entries);
        return lastIndex();
    }

    private void truncateAndAppend(List<Entry> entries) {
        long after = entries.get(0).getIndex();
        if (after == unstableOffset + unstable.size()) {
            unstable.addAll(entries);
        } else if (after <= unstableOffset) {
            // Replaces the whole unstable suffix (and, once persisted, the stable entries after it).
            unstableOffset = after;
            unstable.clear();
            unstable.addAll(entries);
        } else {
            while (unstableOffset + unstable.size() > after) {
                unstable.remove(unstable.size() - 1);
            }
            unstable.addAll(entries);
        }
    }

    /** Entries the driver must persist. */
    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    /** The driver persisted everything up to {@code index} (of {@code term}). */
    void stableTo(long index, long term) {
        if (unstable.isEmpty() || index < unstableOffset) {
            return;
        }
        long t = term(index);
        if (t == term && index < unstableOffset + unstable.size()) {
            int drop = (int) (index + 1 - unstableOffset);
            unstable.subList(0, drop).clear();
            unstableOffset = index + 1;
        } else if (index >= unstableOffset + unstable.size() - 1) {
            unstable.clear();
            unstableOffset = index + 1;
        }
    }

    boolean hasNextCommittedEntries() {
        return committed > applied && committed >= firstIndex();
    }

    /** Committed entries not yet applied, at most about {@code maxBytes}. */
    List<Entry> nextCommittedEntries(long maxBytes) {
        long lo = Math.max(applied + 1, firstIndex());
        if (committed + 1 <= lo) {
            return List.of();
        }
        return slice(lo, committed + 1, maxBytes);
    }

    List<Entry> slice(long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        if (lo < unstableOffset) {
            out.addAll(storage.entries(lo, Math.min(hi, unstableOffset), maxBytes));
            if (out.size() < Math.min(hi, unstableOffset) - lo) {
                return out;  // size limit reached inside storage
            }
        }
        long size = 0;
        for (Entry e : out) {
            size += e.getSerializedSize();
        }
        for (long i = Math.max(lo, unstableOffset); i < hi; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    boolean maybeCommit(long index, long term) {
        if (index > committed && term(index) == term) {
            committed = index;
            return true;
        }
        return false;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("raft: tocommit(" + index + ") is out of range [lastIndex("
                        + lastIndex() + ")]");
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
}
