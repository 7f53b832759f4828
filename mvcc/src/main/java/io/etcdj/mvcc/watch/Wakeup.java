package io.etcdj.mvcc.watch;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Lets any thread wake the catch-up thread early; a wake-up before it waits is not lost. */
final class Wakeup {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition kicked = lock.newCondition();
    private boolean pending;

    void kick() {
        lock.lock();
        try {
            pending = true;
            kicked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until kicked (or already kicked since the last wait) or {@code nanos} pass. */
    void await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (!pending && nanos > 0) {
                nanos = kicked.awaitNanos(nanos);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }
}
