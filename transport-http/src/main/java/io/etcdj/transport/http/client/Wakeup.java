package io.etcdj.transport.http.client;

import java.util.concurrent.Semaphore;

/**
 * Wakes the thread answering a request when something it waits for happened (a watch event, the
 * client going away). Signals never block and are never lost: one given before {@link #await}
 * makes it return at once; several collapse into one.
 */
final class Wakeup {
    private final Semaphore permits = new Semaphore(0);

    void signal() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    /** Waits for a signal given since the last return, then consumes all of them. */
    void await() throws InterruptedException {
        permits.acquire();
        permits.drainPermits();
    }
}
