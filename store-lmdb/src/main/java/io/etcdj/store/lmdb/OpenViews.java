package io.etcdj.store.lmdb;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The read views a backend has handed out and not yet seen closed: close must end their
 * transactions before the environment goes, and defragment must wait until there are none.
 */
final class OpenViews {
    private final Set<LmdbReadView> views = new HashSet<>();

    synchronized void add(LmdbReadView view) {
        views.add(view);
    }

    synchronized void remove(LmdbReadView view) {
        views.remove(view);
        notifyAll();
    }

    synchronized List<LmdbReadView> list() {
        return List.copyOf(views);
    }

    /** Waits until every view is closed; returns false if some are still open after {@code timeout}. */
    synchronized boolean awaitNone(Duration timeout) throws InterruptedIOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!views.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for read views to close");
        }
    }

    synchronized int count() {
        return views.size();
    }
}
