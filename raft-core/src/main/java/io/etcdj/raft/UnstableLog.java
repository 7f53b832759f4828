package io.etcdj.raft;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the log the driver has not persisted yet: an optional incoming snapshot and the
 * entries after the storage's last index ({@code entries.get(0)} has index {@link #offset}).
 * Lookups answer -1 for "not here, ask the storage".
 */
final class UnstableLog {
    static final long NOT_HERE = -1;

    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    /** The snapshot to persist, or null. */
    Snapshot snapshot() {
        return snapshot;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    long maybeFirstIndex() {
        return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : NOT_HERE;
    }

    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot != null ? snapshot.getMetadata().getIndex() : NOT_HERE;
    }

    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
                return snapshot.getMetadata().getTerm();
            }
            return NOT_HERE;
        }
        long last = maybeLastIndex();
        if (last == NOT_HERE || index > last) {
            return NOT_HERE;
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    /**
     * The driver persisted entries up to {@code index} of {@code term}. Ignored when the entry there
     * was replaced since that Ready was handed out (the newer one is still to be persisted).
     */
    void stableTo(long index, long term) {
        long t = maybeTerm(index);
        if (t == NOT_HERE || t != term || index < offset) {
            return;
        }
        entries.subList(0, (int) (index + 1 - offset)).clear();
        offset = index + 1;
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
            snapshot = null;
        }
    }

    /** The whole log becomes the snapshot. */
    void restore(Snapshot s) {
        offset = s.getMetadata().getIndex() + 1;
        entries.clear();
        snapshot = s;
    }

    /** Appends, cutting off whatever the new entries replace (Raft log truncation on conflict). */
    void truncateAndAppend(List<Entry> newEntries) {
        long after = newEntries.get(0).getIndex();
        if (after == offset + entries.size()) {
            entries.addAll(newEntries);
        } else if (after <= offset) {
            // Replaces every unstable entry (and, in the storage, the persisted entries from `after`:
            // the driver's append overwrites them).
            offset = after;
            entries.clear();
            entries.addAll(newEntries);
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            entries.addAll(newEntries);
        }
    }

    /** Entries in {@code [lo, hi)}, all within the unstable range. */
    List<Entry> slice(long lo, long hi) {
        if (lo > hi || lo < offset || hi > offset + entries.size()) {
            throw new IllegalStateException("raft: unstable.slice[" + lo + "," + hi + ") out of bound [" + offset
                    + "," + (offset + entries.size()) + "]");
        }
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
