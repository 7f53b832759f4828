package io.etcdj.v2store;

import java.util.Arrays;

/**
 * etcd's {@code EventHistory}: a ring buffer of the last {@code capacity} events (1000 in the store)
 * that lets a watcher resume from an index, and reports when that index has been overwritten.
 * Field layout mirrors etcd's because snapshots carry it verbatim. Guarded by the store lock.
 */
final class EventHistory {
    final int capacity;
    final Event[] events;
    int size;
    int front;
    int back;
    long startIndex;
    long lastIndex;

    EventHistory(int capacity) {
        this(capacity, new Event[capacity], 0, 0, 0, 0, 0);
    }

    EventHistory(int capacity, Event[] events, int size, int front, int back, long startIndex, long lastIndex) {
        if (capacity <= 0 || events.length != capacity || size < 0 || size > capacity
                || front < 0 || front >= capacity || back < 0 || back >= capacity) {
            throw new IllegalArgumentException("inconsistent event history: capacity=" + capacity
                    + " events=" + events.length + " size=" + size + " front=" + front + " back=" + back);
        }
        this.capacity = capacity;
        this.events = events;
        this.size = size;
        this.front = front;
        this.back = back;
        this.startIndex = startIndex;
        this.lastIndex = lastIndex;
    }

    void add(Event e) {
        events[back] = e;
        back = (back + 1) % capacity;
        if (size == capacity) {
            front = (front + 1) % capacity;
        } else {
            size++;
        }
        lastIndex = e.index();
        startIndex = events[front].index();
    }

    /**
     * The first event at or after {@code index} that concerns {@code key} (itself; anything below it
     * if recursive; or a deleted/expired directory whose path prefixes it), or null if none yet.
     * Refresh events are skipped. Fails with 401 (index 0, the caller sets it) if {@code index}
     * is older than the oldest kept event.
     */
    Event scan(String key, boolean recursive, long index) {
        if (Long.compareUnsigned(index, startIndex) < 0) {
            throw new V2Error(V2ErrorCode.EVENT_INDEX_CLEARED,
                    "the requested history has been cleared [" + Long.toUnsignedString(startIndex) + "/"
                            + Long.toUnsignedString(index) + "]", 0);
        }
        if (Long.compareUnsigned(index, lastIndex) > 0 || size == 0) {
            return null;
        }
        String prefix = GoPath.clean(key);
        if (prefix.charAt(prefix.length() - 1) != '/') {
            prefix = prefix + "/";
        }
        int i = (int) ((front + (index - startIndex)) % capacity);
        while (true) {
            Event e = events[i];
            if (!e.refresh() && matches(e, key, recursive, prefix)) {
                return e;
            }
            i = (i + 1) % capacity;
            if (i == back) {
                return null;
            }
        }
    }

    private static boolean matches(Event e, String key, boolean recursive, String prefix) {
        String eventKey = e.node().key();
        if (eventKey.equals(key) || recursive && eventKey.startsWith(prefix)) {
            return true;
        }
        // etcd compares raw string prefixes here, so deleting dir /foo also matches a watch on /foobar.
        return (e.action() == Action.DELETE || e.action() == Action.EXPIRE)
                && e.prevNode() != null && e.prevNode().dir() && key.startsWith(e.prevNode().key());
    }

    /** Events are immutable, so a copy can share them. */
    EventHistory copy() {
        return new EventHistory(capacity, Arrays.copyOf(events, capacity), size, front, back, startIndex, lastIndex);
    }
}
