package io.etcdj.transport.http.client;

import com.google.protobuf.Message;
import io.etcdj.api.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.api.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v3/lease/keepalive}: each request message is one renewal, answered in order, as
 * etcd's LeaseKeepAlive stream: an unknown lease is answered with TTL 0, any other failure ends
 * the stream with its status; the stream ends once the body ended and every renewal was answered.
 * At most {@link #MAX_IN_FLIGHT} renewals are pending; reading the body waits beyond that.
 */
final class KeepAliveGatewayStream implements GatewayStream {
    static final int MAX_IN_FLIGHT = 16;

    private record Renewal(long leaseId, CompletableFuture<LeaseKeepAliveResponse> result) {
    }

    private final EtcdServerApi server;
    private final RequestContext context;
    private final Wakeup wakeup;
    private final Queue<Renewal> renewals = new ConcurrentLinkedQueue<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private volatile boolean halfClosed;
    private volatile boolean closed;
    private GatewayFailure failure;

    KeepAliveGatewayStream(EtcdServerApi server, RequestContext context, Wakeup wakeup) {
        this.server = server;
        this.context = context;
        this.wakeup = wakeup;
    }

    /** Starts one renewal; waits while {@link #MAX_IN_FLIGHT} are pending. Called by the body's reader. */
    void renew(LeaseKeepAliveRequest request) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (closed) {
            return;
        }
        CompletableFuture<LeaseKeepAliveResponse> result = ServerCalls.start(() -> server.leaseKeepAlive(request, context));
        renewals.add(new Renewal(request.getID(), result));
        result.whenComplete((r, t) -> wakeup.signal());
    }

    /** The body ended: the stream ends after the renewals already started. */
    void halfClose() {
        halfClosed = true;
        wakeup.signal();
    }

    @Override
    public Message poll() {
        if (failure != null) {
            return null;
        }
        Renewal head = renewals.peek();
        if (head == null || !head.result().isDone()) {
            return null;
        }
        renewals.remove();
        inFlight.release();
        try {
            return head.result().join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            if (Replies.cause(e) instanceof EtcdException ee && ee.error() == EtcdError.LEASE_NOT_FOUND) {
                // etcd: "if err == lease.ErrLeaseNotFound { err = nil; ttl = 0 }".
                return LeaseKeepAliveResponse.newBuilder().setHeader(ResponseHeader.getDefaultInstance())
                        .setID(head.leaseId()).setTTL(0).build();
            }
            failure = GatewayFailure.of(e);
            return null;
        }
    }

    @Override
    public boolean ended() {
        // halfClosed first: once it is set no renewal is added any more, so an empty queue is final.
        return failure != null || halfClosed && renewals.isEmpty();
    }

    @Override
    public GatewayFailure failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        renewals.clear();
        // Lets a reader waiting for room go on and see the stream closed.
        inFlight.release(MAX_IN_FLIGHT);
    }
}
