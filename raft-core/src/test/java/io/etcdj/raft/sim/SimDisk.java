package io.etcdj.raft.sim;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.raft.MemoryRaftStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One node's disk, as a WAL sees it: writes land in order; {@link #sync} makes everything written
 * durable; a {@link #crash} keeps what was synced plus a random prefix of what was not (a torn
 * tail). What a restarted node finds is exactly what survived.
 */
final class SimDisk {
    private sealed interface Write permits Save, InstallSnapshot {
    }

    private record Save(HardState hardState, List<Entry> entries) implements Write {
    }

    private record InstallSnapshot(Snapshot snapshot) implements Write {
    }

    private Snapshot snapshot;
    private HardState hardState = HardState.getDefaultInstance();
    /** Entries after the snapshot, contiguous. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private final ArrayList<Write> unsynced = new ArrayList<>();

    void save(HardState hs, List<Entry> newEntries) {
        unsynced.add(new Save(hs, List.copyOf(newEntries)));
    }

    /** A snapshot received from the leader: it replaces the whole log. */
    void installSnapshot(Snapshot s) {
        unsynced.add(new InstallSnapshot(s));
    }

    void sync() {
        for (Write w : unsynced) {
            apply(w);
        }
        unsynced.clear();
    }

    /** A snapshot of our own applied state: made durable with everything before it (the WAL syncs). */
    void recordLocalSnapshot(Snapshot s) {
        sync();
        snapshot = s;
        long index = s.getMetadata().getIndex();
        entries.removeIf(e -> e.getIndex() <= index);
    }

    /** Loses a random suffix of the unsynced writes. Returns how many writes were lost. */
    int crash(SplittableRandom random) {
        int keep = random.nextInt(unsynced.size() + 1);
        for (int i = 0; i < keep; i++) {
            apply(unsynced.get(i));
        }
        int lost = unsynced.size() - keep;
        unsynced.clear();
        return lost;
    }

    private void apply(Write w) {
        switch (w) {
            case Save s -> {
                if (s.hardState() != null) {
                    hardState = s.hardState();
                }
                append(s.entries());
            }
            case InstallSnapshot i -> {
                snapshot = i.snapshot();
                entries.clear();
            }
        }
    }

    private void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long snapIndex = snapshot == null ? 0 : snapshot.getMetadata().getIndex();
        long first = newEntries.get(0).getIndex();
        entries.removeIf(e -> e.getIndex() >= first);
        long expected = entries.isEmpty() ? snapIndex + 1 : entries.get(entries.size() - 1).getIndex() + 1;
        for (Entry e : newEntries) {
            if (e.getIndex() <= snapIndex) {
                continue;
            }
            if (e.getIndex() != expected) {
                throw new IllegalStateException("disk: gap in the log: expected index " + expected + ", got " + e.getIndex());
            }
            entries.add(e);
            expected++;
        }
    }

    /** The storage a restarted node loads, as the server's bootstrap does from its WAL. */
    MemoryRaftStorage load() {
        MemoryRaftStorage storage = new MemoryRaftStorage();
        if (snapshot != null) {
            storage.applySnapshot(snapshot);
        }
        storage.setHardState(hardState);
        storage.append(entries);
        return storage;
    }

    Snapshot snapshot() {
        return snapshot;
    }
}
