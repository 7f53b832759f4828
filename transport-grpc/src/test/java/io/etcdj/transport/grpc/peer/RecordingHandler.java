package io.etcdj.transport.grpc.peer;

import io.etcdj.api.raftpb.Message;
import io.etcdj.spi.transport.PeerTransportConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a transport hands its handler; waits are bounded liveness checks, not timings. */
final class RecordingHandler implements PeerTransportConfig.Handler {
    static final long WAIT_SECONDS = 20;

    final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<Long, AtomicInteger> unreachable = new ConcurrentHashMap<>();

    @Override
    public void receive(Message message) {
        received.add(message);
    }

    @Override
    public void unreachable(long memberId) {
        unreachable.computeIfAbsent(memberId, id -> new AtomicInteger()).incrementAndGet();
        synchronized (this) {
            notifyAll();
        }
    }

    int unreachableCount(long memberId) {
        AtomicInteger n = unreachable.get(memberId);
        return n == null ? 0 : n.get();
    }

    /** Waits until the member was reported unreachable more than {@code before} times; false on giving up. */
    synchronized boolean awaitUnreachable(long memberId, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (unreachableCount(memberId) <= before) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The next {@code n} messages received; fails if they do not all come. */
    List<Message> take(int n) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (out.size() < n) {
            Message m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("received " + out.size() + " of " + n + " messages");
            }
            out.add(m);
        }
        return out;
    }
}
