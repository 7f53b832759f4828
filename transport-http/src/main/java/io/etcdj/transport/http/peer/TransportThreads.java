package io.etcdj.transport.http.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the transport's threads (virtual, named {@code etcdj-peer-http-...}) and remembers them
 * until they end, so that {@code close()} can wait until every one has really ended.
 */
final class TransportThreads {
    static final String PREFIX = "etcdj-peer-http-";

    private final Set<Thread> alive = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();

    /** Starts {@code task} on a new thread named {@code PREFIX + name}. */
    Thread start(String name, Runnable task) {
        Thread thread = Thread.ofVirtual().name(PREFIX + name).unstarted(() -> {
            try {
                task.run();
            } finally {
                alive.remove(Thread.currentThread());
            }
        });
        alive.add(thread);
        thread.start();
        return thread;
    }

    /** A factory for an executor's threads, named {@code PREFIX + kind + "-N"}. */
    ThreadFactory factory(String kind) {
        return task -> {
            Thread thread = Thread.ofVirtual().name(PREFIX + kind + "-" + next.getAndIncrement()).unstarted(() -> {
                try {
                    task.run();
                } finally {
                    alive.remove(Thread.currentThread());
                }
            });
            alive.add(thread);
            return thread;
        };
    }

    /** Waits up to {@code timeout} in total for every thread made so far; returns those still alive. */
    List<Thread> join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : List.copyOf(alive)) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
            if (t.isAlive()) {
                stuck.add(t);
            }
        }
        return stuck;
    }
}
