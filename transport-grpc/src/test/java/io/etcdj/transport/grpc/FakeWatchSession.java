package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.spi.server.WatchSession;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A watch session the test drives: it records requests and closes, and serves responses queued by
 * {@link #offer} or, when set, an endless {@link #producer}.
 */
final class FakeWatchSession implements WatchSession {
    final List<WatchRequest> handled = new CopyOnWriteArrayList<>();
    final AtomicLong polls = new AtomicLong();
    final AtomicInteger closes = new AtomicInteger();
    private final Queue<WatchResponse> ready = new ConcurrentLinkedQueue<>();
    private volatile Runnable listener = () -> { };
    volatile Supplier<WatchResponse> producer;
    volatile Consumer<WatchRequest> onHandle = r -> { };

    @Override
    public void handle(WatchRequest request) {
        handled.add(request);
        onHandle.accept(request);
    }

    @Override
    public WatchResponse poll() {
        polls.incrementAndGet();
        Supplier<WatchResponse> p = producer;
        return p != null ? p.get() : ready.poll();
    }

    @Override
    public void setListener(Runnable responsesWaiting) {
        listener = responsesWaiting;
    }

    void offer(WatchResponse response) {
        ready.add(response);
        listener.run();
    }

    /** Switches to an endless stream of responses. */
    void produceForever(Supplier<WatchResponse> producer) {
        this.producer = producer;
        listener.run();
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
