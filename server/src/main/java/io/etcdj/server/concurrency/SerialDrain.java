package io.etcdj.server.concurrency;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task on an executor whenever {@link #signal()} is called, never two runs at once, and
 * once more after a run during which it was signalled: a watch listener (which must not block and
 * is called on the store's threads) hands the polling to another thread without losing a wake-up.
 */
final class SerialDrain {
    private static final System.Logger LOG = System.getLogger("concurrency");

    private final Executor executor;
    private final Runnable task;
    /** Signals not yet served; a run is scheduled or running while it is above zero. */
    private final AtomicInteger pending = new AtomicInteger();

    SerialDrain(Executor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    void signal() {
        if (pending.getAndIncrement() != 0) {
            return;  // a run is scheduled or running and will see this signal
        }
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException e) {
            // The executor is shut down only when the server stops: its calls now fail fast, so
            // running here ends the waits promptly instead of leaving them hanging.
            run();
        }
    }

    private void run() {
        int seen = pending.get();
        while (true) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A task reports its own failures; this only keeps the drain alive for the next signal.
                LOG.log(System.Logger.Level.WARNING, "concurrency: watch drain failed", e);
            }
            seen = pending.addAndGet(-seen);
            if (seen == 0) {
                return;
            }
        }
    }
}
