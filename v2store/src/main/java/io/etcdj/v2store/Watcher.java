package io.etcdj.v2store;

import java.util.ArrayDeque;

/**
 * A v2 watch, from {@link V2Store#watch}. Events are queued without ever blocking the store, up to
 * {@link #CAPACITY} (etcd's channel size); a stream watcher that falls that far behind is removed
 * and closed, as etcd drops slow consumers. A non-stream watcher is closed after its one event.
 *
 * <p>Consumers either {@link #poll()} or register a {@link #setListener listener}. Thread-safe:
 * the store fills the queue under its lock, consumers drain it from any thread.
 * Call {@link #remove()} when the client goes away so the store stops tracking it.
 */
public final class Watcher {
    /** Events buffered per watcher before a stream watcher is dropped (etcd's 100). */
    public static final int CAPACITY = 100;

    private final WatcherHub hub;
    private final boolean recursive;
    private final boolean stream;
    private final long sinceIndex;
    private final long startIndex;

    /** Where the hub keeps it; guarded by the hub. Null while not registered. */
    String registeredKey;

    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private boolean closed;
    private Runnable listener;

    Watcher(WatcherHub hub, boolean recursive, boolean stream, long sinceIndex, long startIndex) {
        this.hub = hub;
        this.recursive = recursive;
        this.stream = stream;
        this.sinceIndex = sinceIndex;
        this.startIndex = startIndex;
    }

    /** The store index when the watch was created (etcd answers it as {@code X-Etcd-Index}). */
    public long startIndex() {
        return startIndex;
    }

    public boolean isStream() {
        return stream;
    }

    /**
     * Whether the store answered this watch from its history at once: it holds that one event, is
     * already closed and was never registered.
     */
    boolean isFromHistory() {
        return hub == null;
    }

    /** The next queued event, or null if none is queued now. */
    public synchronized Event poll() {
        return queue.poll();
    }

    /**
     * Whether no further events will be queued: after {@link #remove()}, after a non-stream
     * watcher got its event, or after a stream watcher overflowed. Queued events remain pollable.
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Sets the callback run whenever an event is queued or the watcher closes. It runs on the
     * thread that applied the write, after the store lock is released; it must not block. Calls
     * may be spurious (e.g. once here and once from the write), so it should just
     * {@link #poll()}/check {@link #isClosed()} or hand off to the consumer. If events are already
     * queued or the watcher is closed it runs at once on the calling thread.
     */
    public void setListener(Runnable newListener) {
        boolean ready;
        synchronized (this) {
            listener = newListener;
            ready = !queue.isEmpty() || closed;
        }
        if (ready && newListener != null) {
            newListener.run();
        }
    }

    /** Stops the watch: the store forgets it and no more events are queued. Idempotent. */
    public void remove() {
        if (hub != null) {
            hub.detach(this);
        }
        synchronized (this) {
            closed = true;
        }
    }

    /**
     * etcd's {@code watcher.notify}: queue {@code e} if this watcher is interested (exact path,
     * recursive, or its node was deleted) and the event is not older than the watch. Called with
     * the hub locked. Returns whether the watcher was interested.
     */
    boolean notify(Event e, boolean originalPath, boolean deleted) {
        if (!(recursive || originalPath || deleted) || Long.compareUnsigned(e.index(), sinceIndex) < 0) {
            return false;
        }
        boolean overflowed;
        synchronized (this) {
            if (closed) {
                return true;
            }
            overflowed = queue.size() >= CAPACITY;
            if (!overflowed) {
                queue.add(e);
                closed = !stream;
            }
        }
        if (overflowed) {
            // etcd only unregisters a slow watcher; closing it as well lets the consumer end its
            // response instead of waiting for a timeout, which is what etcd's comment intends.
            hub.detachLocked(this);
            synchronized (this) {
                closed = true;
            }
        }
        return true;
    }

    /** Queues the event found in history for a watch that is answered at once (never registered). */
    synchronized void deliverFromHistory(Event e) {
        queue.add(e);
        closed = true;
    }

    /** Runs the listener, if any, outside every store lock. */
    void signal() {
        Runnable l;
        synchronized (this) {
            l = listener;
        }
        if (l != null) {
            l.run();
        }
    }
}
