package io.etcdj.e2e;

import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One raw bidirectional {@code etcdserverpb.Watch/Watch} stream: the test sends create, cancel and progress
 * requests and takes the responses one at a time, exactly as the server sent them.
 */
final class WatchStream implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StreamObserver<WatchRequest> requests;

    WatchStream(Channel channel) {
        requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                received.add(response);
            }

            @Override
            public void onError(Throwable t) {
                received.add(t);
            }

            @Override
            public void onCompleted() {
                received.add("completed");
            }
        });
    }

    /** Sends a create request. */
    void create(WatchCreateRequest.Builder create) {
        send(WatchRequest.newBuilder().setCreateRequest(create).build());
    }

    /** Sends a cancel request for {@code watchId}. */
    void cancel(long watchId) {
        send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId)).build());
    }

    /** Sends a progress request. */
    void requestProgress() {
        send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }

    private synchronized void send(WatchRequest request) {
        requests.onNext(request);
    }

    /** The next response; fails the test if none comes within 20 s or the stream ended. */
    WatchResponse next() {
        Object item = poll(WAIT);
        if (item == null) {
            throw new AssertionError("no watch response within " + WAIT);
        }
        if (item instanceof WatchResponse response) {
            return response;
        }
        throw new AssertionError("the watch stream ended: " + item,
                item instanceof Throwable t ? t : null);
    }

    /** Fails if a response arrives within {@code quiet} (this proves an absence, never a speed). */
    void assertNothingWithin(Duration quiet) {
        Object item = poll(quiet);
        if (item != null) {
            throw new AssertionError("expected nothing on the watch stream, got " + item);
        }
    }

    private Object poll(Duration timeout) {
        try {
            return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Half-closes the stream from the client side. */
    @Override
    public synchronized void close() {
        try {
            requests.onCompleted();
        } catch (IllegalStateException alreadyClosed) {
            // The server ended the stream first; nothing left to close.
        }
    }
}
