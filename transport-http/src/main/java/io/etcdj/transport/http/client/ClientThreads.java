package io.etcdj.transport.http.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the transport's threads (virtual, named {@code etcdj-client-http-...}: a waiting long poll
 * costs no platform thread) and remembers them until they end, so that closing the transport can
 * wait for every one.
 */
final class ClientThreads implements Request.ThreadStarter {
    static final String PREFIX = "etcdj-client-http-";

    private final Set<Thread> alive = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public void start(String name, Runnable task) {
        Thread thread = Thread.ofVirtual().name(PREFIX + name + "-" + next.getAndIncrement()).unstarted(() -> {
            try {
                task.run();
            } finally {
                alive.remove(Thread.currentThread());
            }
        });
        alive.add(thread);
        thread.start();
    }

    /** Waits up to {@code timeout} in total for every thread started so far; returns those still alive. */
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
