package io.etcdj.transport.grpc;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared backing executor. One per streaming
 * call: a gRPC {@code StreamObserver} must never be used from two threads at once, and the
 * responses of a stream come from several sources (the call's own threads, server threads that
 * report new responses, futures completing).
 *
 * <p>Tasks submitted after the backing executor stopped run on the submitting thread instead (still
 * one at a time): that only happens while the transport shuts down, when the tasks left are the
 * clean-up of cancelled calls (closing watch sessions, snapshot streams), which must still run.
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor backing;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor backing) {
        this.backing = backing;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            backing.execute(this::runQueued);
        } catch (RejectedExecutionException e) {
            runQueued();
        }
    }

    private void runQueued() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "unexpected failure in a stream task", e);
                }
            }
        } finally {
            scheduled.set(false);
            // A task added after the last poll but before the flag was cleared found it set and
            // did not schedule a run: make sure one happens.
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }
}
