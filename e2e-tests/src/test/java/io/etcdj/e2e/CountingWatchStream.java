package io.etcdj.e2e;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One raw watch stream carrying many watchers of the same key range, which checks as events arrive that
 * every watcher receives exactly the revisions {@code first, first + 1, ...} in order, without keeping the
 * events. The watchers watch from {@code first}, so the test's writes must be the only writes in the range
 * and must take consecutive revisions from {@code first} on.
 *
 * <p>A stream created {@linkplain #stalled stalled} reads nothing beyond its creation answers until
 * {@link #resume()}: gRPC flow control then pushes back on the server, as a client that stopped reading does.
 */
final class CountingWatchStream implements AutoCloseable {

    private static final int MAX_ERRORS = 20;

    private final int watchers;
    private final long first;
    private final int events;
    private final Map<Long, Integer> slotOfWatchId = new HashMap<>();
    private final int[] received;
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger complete = new AtomicInteger();
    private final AtomicLong eventsReceived = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private volatile ClientCallStreamObserver<WatchRequest> requests;

    private CountingWatchStream(Channel channel, ByteString key, ByteString rangeEnd, int watchers, long first,
                                int events, boolean stalled) {
        this.watchers = watchers;
        this.first = first;
        this.events = events;
        this.received = new int[watchers];
        WatchGrpc.newStub(channel).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> stream) {
                requests = stream;
                if (stalled) {
                    // Read exactly the creation answers, then nothing until resume().
                    stream.disableAutoRequestWithInitial(watchers);
                }
            }

            @Override
            public void onNext(WatchResponse response) {
                handle(response);
            }

            @Override
            public void onError(Throwable t) {
                error("stream failed: " + t);
            }

            @Override
            public void onCompleted() {
                error("stream ended by the server");
            }
        });
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                .setKey(key).setRangeEnd(rangeEnd).setStartRevision(first);
        synchronized (this) {
            for (int i = 0; i < watchers; i++) {
                requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            }
        }
    }

    /** A stream that reads everything as it comes. */
    static CountingWatchStream reading(Channel channel, ByteString key, ByteString rangeEnd, int watchers,
                                       long first, int events) {
        return new CountingWatchStream(channel, key, rangeEnd, watchers, first, events, false);
    }

    /** A stream that stops reading after the creation answers, until {@link #resume()}. */
    static CountingWatchStream stalled(Channel channel, ByteString key, ByteString rangeEnd, int watchers,
                                       long first, int events) {
        return new CountingWatchStream(channel, key, rangeEnd, watchers, first, events, true);
    }

    /** Waits until every watcher has been created; fails on a refusal or after {@code timeout}. */
    void awaitCreated(Duration timeout) {
        awaitCondition(() -> created.get() == watchers, timeout, "all " + watchers + " watchers created");
    }

    /** Waits until every watcher has received all its events; fails on a wrong event or after {@code timeout}. */
    void awaitAllEvents(Duration timeout) {
        awaitCondition(() -> complete.get() == watchers, timeout, "every watcher to receive " + events + " events");
    }

    /** Lets a stalled stream read again, without limit. */
    void resume() {
        requests.request(Integer.MAX_VALUE);
    }

    /** The events received so far, over all watchers. */
    long eventsReceived() {
        return eventsReceived.get();
    }

    /** The errors seen so far (wrong revision, extra event, cancellation, stream failure), at most 20. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public synchronized void close() {
        requests.cancel("test over", null);
    }

    private void handle(WatchResponse response) {
        if (response.getCreated()) {
            if (response.getCanceled()) {
                error("creation refused: " + response.getCancelReason());
                return;
            }
            synchronized (slotOfWatchId) {
                slotOfWatchId.put(response.getWatchId(), created.getAndIncrement());
            }
            return;
        }
        if (response.getCanceled()) {
            error("watch " + response.getWatchId() + " canceled, compact revision " + response.getCompactRevision()
                    + ", reason '" + response.getCancelReason() + "'");
            return;
        }
        Integer slot;
        synchronized (slotOfWatchId) {
            slot = slotOfWatchId.get(response.getWatchId());
        }
        if (slot == null) {
            error("events for unknown watch ID " + response.getWatchId());
            return;
        }
        for (Event event : response.getEventsList()) {
            int count = received[slot];
            long expected = first + count;
            if (count >= events) {
                error("watch " + response.getWatchId() + " got an extra event at revision " + event.getKv().getModRevision());
                continue;
            }
            if (event.getKv().getModRevision() != expected) {
                error("watch " + response.getWatchId() + " expected revision " + expected + ", got "
                        + event.getKv().getModRevision());
            }
            received[slot] = count + 1;
            eventsReceived.incrementAndGet();
            if (count + 1 == events) {
                complete.incrementAndGet();
            }
        }
    }

    private void error(String message) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(message);
        }
    }

    private void awaitCondition(BooleanSupplier done, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (!errors.isEmpty()) {
                throw new AssertionError("while waiting for " + what + ": " + errors);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout + ": " + what + "; created " + created.get()
                        + ", complete " + complete.get() + ", events " + eventsReceived.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(what + ", but: " + errors);
        }
    }
}
