package io.etcdj.raft.tracker;

/**
 * The appends sent to one follower and not yet acknowledged, as the last index each carried: a ring
 * buffer bounded by {@code capacity} (the MaxInflightMsgs setting). When it is full the leader stops
 * sending appends to that follower until acknowledgments free slots.
 */
public final class Inflights {
    private final int capacity;
    private long[] buffer = new long[0];
    private int start;
    private int count;

    public Inflights(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("raft: max inflight messages must be greater than 0");
        }
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    public int count() {
        return count;
    }

    public boolean full() {
        return count == capacity;
    }

    /** Records an append whose last entry has {@code lastIndex}; indexes must be added in increasing order. */
    public void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("raft: cannot add into a full inflights window");
        }
        int next = (start + count) % capacity;
        if (next >= buffer.length) {
            grow();
        }
        buffer[next] = lastIndex;
        count++;
    }

    // The buffer grows on demand up to the capacity, so idle followers cost little memory.
    private void grow() {
        int size = Math.min(capacity, Math.max(1, buffer.length * 2));
        long[] grown = new long[size];
        System.arraycopy(buffer, 0, grown, 0, buffer.length);
        buffer = grown;
    }

    /** Frees every append whose last index is at most {@code index} (they were acknowledged). */
    public void freeLE(long index) {
        if (count == 0 || index < buffer[start]) {
            return;
        }
        int idx = start;
        int freed = 0;
        while (freed < count && buffer[idx] <= index) {
            freed++;
            idx = (idx + 1) % capacity;
        }
        count -= freed;
        start = count == 0 ? 0 : idx;
    }

    /** Frees the oldest append: a heartbeat answer proves the follower is alive, so let one more through. */
    public void freeFirstOne() {
        if (count > 0) {
            freeLE(buffer[start]);
        }
    }

    public void reset() {
        count = 0;
        start = 0;
    }
}
