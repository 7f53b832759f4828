package io.etcdj.raft;

import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RaftStorage} held in memory, as etcd raft's MemoryStorage: the server loads it from the WAL
 * at start and appends to it after each WAL write, so the core can read persisted entries quickly.
 *
 * <p>{@code entries.get(0)} is a dummy whose index and term are those of the last snapshot. Thread-safe
 * (the core reads from the Raft thread; the server may compact from elsewhere).
 */
public final class MemoryRaftStorage implements RaftStorage {
    private HardState hardState = HardState.getDefaultInstance();
    private Snapshot snapshot = Snapshot.getDefaultInstance();
    private final ArrayList<Entry> entries = new ArrayList<>();

    public MemoryRaftStorage() {
        entries.add(Entry.getDefaultInstance());
    }

    @Override
    public synchronized InitialState initialState() {
        return new InitialState(hardState, snapshot.getMetadata().getConfState());
    }

    public synchronized void setHardState(HardState state) {
        this.hardState = state;
    }

    @Override
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = entries.get(0).getIndex();
        if (lo <= offset) {
            throw new CompactedException(lo, offset + 1);
        }
        if (hi > lastIndexLocked() + 1) {
            throw new UnavailableException(hi - 1, lastIndexLocked());
        }
        List<Entry> out = new ArrayList<>((int) (hi - lo));
        long size = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = entries.get((int) (i - offset));
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized long term(long index) {
        long offset = entries.get(0).getIndex();
        if (index < offset) {
            throw new CompactedException(index, offset + 1);
        }
        if (index - offset >= entries.size()) {
            throw new UnavailableException(index, lastIndexLocked());
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    @Override
    public synchronized long firstIndex() {
        return entries.get(0).getIndex() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return lastIndexLocked();
    }

    private long lastIndexLocked() {
        return entries.get(0).getIndex() + entries.size() - 1;
    }

    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    /** Replaces the whole content with a snapshot (restart from a snapshot mark, or a snapshot received). */
    public synchronized void applySnapshot(Snapshot snap) {
        SnapshotMetadata m = snap.getMetadata();
        if (m.getIndex() < snapshot.getMetadata().getIndex()) {
            throw new IllegalArgumentException("raft: snapshot at " + m.getIndex() + " is older than "
                    + snapshot.getMetadata().getIndex());
        }
        this.snapshot = snap;
        entries.clear();
        entries.add(Entry.newBuilder().setIndex(m.getIndex()).setTerm(m.getTerm()).build());
    }

    /**
     * Records a snapshot taken of the applied state at {@code index} (must be applied and in the log)
     * and returns it. Does not discard entries: call {@link #compact} for that.
     */
    public synchronized Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
        if (index <= snapshot.getMetadata().getIndex()) {
            return snapshot;
        }
        long term = term(index);
        snapshot = Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(confState))
                .setData(data == null ? com.google.protobuf.ByteString.EMPTY : com.google.protobuf.ByteString.copyFrom(data))
                .build();
        return snapshot;
    }

    /** Discards entries up to and including {@code compactIndex}, keeping it as the new dummy. */
    public synchronized void compact(long compactIndex) {
        long offset = entries.get(0).getIndex();
        if (compactIndex <= offset) {
            return;
        }
        if (compactIndex > lastIndexLocked()) {
            throw new UnavailableException(compactIndex, lastIndexLocked());
        }
        int i = (int) (compactIndex - offset);
        Entry dummy = Entry.newBuilder().setIndex(compactIndex).setTerm(entries.get(i).getTerm()).build();
        List<Entry> rest = new ArrayList<>(entries.subList(i + 1, entries.size()));
        entries.clear();
        entries.add(dummy);
        entries.addAll(rest);
    }

    /**
     * Appends persisted entries; entries that overlap existing ones replace them and everything
     * after (Raft log truncation). Entries already compacted are skipped.
     */
    public synchronized void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long last = newEntries.get(0).getIndex() + newEntries.size() - 1;
        if (last < first) {
            return;
        }
        List<Entry> toAdd = newEntries;
        if (first > newEntries.get(0).getIndex()) {
            toAdd = newEntries.subList((int) (first - newEntries.get(0).getIndex()), newEntries.size());
        }
        long offset = toAdd.get(0).getIndex() - entries.get(0).getIndex();
        if (offset > entries.size()) {
            throw new IllegalStateException("raft: missing log entry [last: " + lastIndexLocked()
                    + ", append at: " + toAdd.get(0).getIndex() + "]");
        }
        while (entries.size() > offset) {
            entries.remove(entries.size() - 1);
        }
        entries.addAll(toAdd);
    }
}
