package io.etcdj.raft.sim;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import java.nio.ByteBuffer;

/**
 * The replicated state: a running hash of every applied data entry, so two replicas that applied
 * the same sequence hold the same value. Its snapshot is the hash itself.
 */
final class SimStateMachine {
    static final byte MARKER_TAG = 'L';

    private long applied;
    private long hash;
    private long count;
    private boolean markerSeen;

    long applied() {
        return applied;
    }

    /** A value that differs between two replicas that applied different histories. */
    long state() {
        return hash ^ (count * 0x9E3779B97F4A7C15L);
    }

    boolean markerSeen() {
        return markerSeen;
    }

    /** Applies the next entry; returns an error text when it is not the next index (an apply gap). */
    String apply(Entry e) {
        if (e.getIndex() != applied + 1) {
            return "applied index " + e.getIndex() + " after " + applied;
        }
        if (e.getType() == EntryType.EntryNormal && !e.getData().isEmpty()) {
            hash = mix(hash * 31 + e.getData().hashCode());
            count++;
            if (e.getData().byteAt(0) == MARKER_TAG) {
                markerSeen = true;
            }
        }
        applied = e.getIndex();
        return null;
    }

    byte[] snapshotData() {
        return ByteBuffer.allocate(25).putLong(applied).putLong(hash).putLong(count).put((byte) (markerSeen ? 1 : 0))
                .array();
    }

    void restore(byte[] data, long index) {
        ByteBuffer b = ByteBuffer.wrap(data);
        applied = b.getLong();
        hash = b.getLong();
        count = b.getLong();
        markerSeen = b.get() == 1;
        if (applied != index) {
            throw new IllegalStateException("snapshot data at " + applied + " in a snapshot of index " + index);
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
