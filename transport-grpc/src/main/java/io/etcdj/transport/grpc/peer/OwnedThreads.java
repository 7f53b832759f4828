package io.etcdj.transport.grpc.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the transport's platform threads (daemon, named {@code PREFIX-N}) and remembers them, so
 * that {@link #join} can wait until every one has really ended: an executor reporting termination
 * does not mean its threads are gone.
 */
final class OwnedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    OwnedThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        return newThread(prefix + "-" + next.getAndIncrement(), task);
    }

    /** A thread with its own name (still to be started), remembered like the others. */
    synchronized Thread newThread(String name, Runnable task) {
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        Thread thread = Thread.ofPlatform().daemon().name(name).unstarted(task);
        threads.add(thread);
        return thread;
    }

    /** Waits up to {@code timeout} in total for every thread made so far; returns those still alive. */
    List<Thread> join(long timeout, TimeUnit unit) throws InterruptedException {
        List<Thread> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(threads);
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Thread> alive = new ArrayList<>();
        for (Thread t : snapshot) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(java.time.Duration.ofNanos(left));
            }
            if (t.isAlive()) {
                alive.add(t);
            }
        }
        return alive;
    }
}
