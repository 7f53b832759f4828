package io.etcdj.v2store;

import io.etcdj.spi.server.V2Answer;

/**
 * A registered v2 watch as the server hands it to the HTTP front end (etcd's
 * {@code handleKeyWatch}): headers from the watcher's start index, then each event encoded with
 * trimmed keys. A long poll is done after its first event; a stream when closed by the client or
 * dropped by the store for falling {@value Watcher#CAPACITY} events behind (events queued before the
 * drop are still delivered, as a closed Go channel still yields its buffer).
 *
 * <p>Thread-safe. The listener is run by the store after a write (outside its lock), at once by
 * {@link #setListener} if something is already waiting, and once by {@link #close()}.
 */
final class V2WatchAnswer implements V2Answer.Watch {
    private final Watcher watcher;
    private final long raftIndex;
    private final long raftTerm;
    /** An event taken from the watcher by {@link #isDone()} to learn whether one was left. */
    private Event lookahead;
    private boolean closedByClient;
    private volatile Runnable listener;

    V2WatchAnswer(Watcher watcher, long raftIndex, long raftTerm) {
        this.watcher = watcher;
        this.raftIndex = raftIndex;
        this.raftTerm = raftTerm;
    }

    @Override
    public long etcdIndex() {
        return watcher.startIndex();
    }

    @Override
    public long raftIndex() {
        return raftIndex;
    }

    @Override
    public long raftTerm() {
        return raftTerm;
    }

    @Override
    public synchronized byte[] poll() {
        if (closedByClient) {
            return null;
        }
        Event e = lookahead != null ? lookahead : watcher.poll();
        lookahead = null;
        return e == null ? null : V2Answers.eventBody(e);
    }

    @Override
    public synchronized boolean isDone() {
        if (closedByClient) {
            return true;
        }
        // Closed first, then empty: once closed, nothing more is queued, so empty stays empty.
        boolean closed = watcher.isClosed();
        if (lookahead == null) {
            lookahead = watcher.poll();
        }
        return closed && lookahead == null;
    }

    @Override
    public void setListener(Runnable newListener) {
        listener = newListener;
        watcher.setListener(newListener);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closedByClient) {
                return;
            }
            closedByClient = true;
            lookahead = null;
        }
        watcher.remove();
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }
}
