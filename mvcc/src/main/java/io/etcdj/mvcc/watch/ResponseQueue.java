package io.etcdj.mvcc.watch;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The responses of one stream in the order they were produced. Counted responses (events,
 * progress notifications, compaction cancels) are bounded by the capacity: an offer beyond it is
 * refused and the producer must not wait (the writer never blocks on a consumer). Control responses
 * (created, canceled, stream progress) are always taken, so a reply to a request is never lost.
 *
 * <p>Producers hold the hub's lock; consumers hold only this queue's lock, briefly.
 */
final class ResponseQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Outgoing> items = new ArrayDeque<>();
    private final int capacity;
    private int counted;
    private boolean closed;

    ResponseQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Free slots for counted responses. */
    int room() {
        lock.lock();
        try {
            return closed ? 0 : capacity - counted;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends {@code item}; a counted one only if a slot is free. A closed queue drops it (and
     * accepts: nobody will read it, and its watchers are gone).
     *
     * @return false when a counted item did not fit
     */
    boolean offer(Outgoing item) {
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (item.counted()) {
                if (counted >= capacity) {
                    return false;
                }
                counted++;
            }
            items.addLast(item);
            available.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest response, or null when there is none. */
    Outgoing poll() {
        lock.lock();
        try {
            Outgoing item = items.pollFirst();
            if (item != null && item.counted()) {
                counted--;
            }
            return item;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a response is queued or the queue closes; false when {@code nanos} passed first. */
    boolean awaitAvailable(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (items.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = available.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return items.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Control responses waiting to be polled. */
    int controlBacklog() {
        lock.lock();
        try {
            return items.size() - counted;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every response and refuses nothing from now on (see {@link #offer}); wakes waiters. */
    void close() {
        lock.lock();
        try {
            closed = true;
            items.clear();
            counted = 0;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
