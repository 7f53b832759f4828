package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.api.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * One {@code Lease.LeaseKeepAlive} stream. Each request is one renewal
 * ({@link EtcdServerApi#leaseKeepAlive}) and gets exactly one response, in request order, as in
 * etcd 3.4 {@code v3rpc/lease.go}:
 * <ul>
 *   <li>a renewal of a lease that does not exist ({@link EtcdError#LEASE_NOT_FOUND}) is answered
 *       with TTL 0 for that ID, the stream goes on;</li>
 *   <li>any other failure ends the stream with its status, after the responses before it;</li>
 *   <li>the client half-closing ends the stream with OK once every renewal was answered.</li>
 * </ul>
 * At most {@link #MAX_IN_FLIGHT} requests are read and not yet answered: beyond that the stream
 * stops reading (gRPC flow control then holds the client back), so neither a client that floods
 * renewals nor one that does not read answers makes the server queue work without limit.
 */
final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest>, ResponseSource<LeaseKeepAliveResponse> {
    /** Renewals read but not yet answered, per stream (etcd answers one at a time; a few more pipeline). */
    static final int MAX_IN_FLIGHT = 16;

    private record Renewal(long leaseId, CompletableFuture<LeaseKeepAliveResponse> result) {
    }

    private final EtcdServerApi server;
    private final RequestContext context;
    private final ServerCallStreamObserver<LeaseKeepAliveResponse> call;
    private final ResponsePump<LeaseKeepAliveResponse> pump;
    /** Added from gRPC's thread, removed on the pump's. */
    private final Queue<Renewal> renewals = new ConcurrentLinkedQueue<>();
    private volatile boolean halfClosed;

    private KeepAliveStream(EtcdServerApi server, RequestContext context,
                            ServerCallStreamObserver<LeaseKeepAliveResponse> call, Executor executor) {
        this.server = server;
        this.context = context;
        this.call = call;
        this.pump = new ResponsePump<>(call, executor);
    }

    /** Sets the stream up; call from the service method. */
    static KeepAliveStream open(EtcdServerApi server, ServerCallStreamObserver<LeaseKeepAliveResponse> call,
                                Executor executor) {
        call.disableAutoRequest();
        KeepAliveStream stream = new KeepAliveStream(server, RequestContextInterceptor.current(), call, executor);
        stream.pump.start(stream);
        call.request(MAX_IN_FLIGHT);
        return stream;
    }

    @Override
    public void onNext(LeaseKeepAliveRequest request) {
        CompletableFuture<LeaseKeepAliveResponse> result;
        try {
            result = server.leaseKeepAlive(request, context);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        renewals.add(new Renewal(request.getID(), result));
        result.whenComplete((r, t) -> pump.resume());
    }

    @Override
    public void onError(Throwable t) {
        // The client cancelled: the pump was told by gRPC; renewals still running just complete unseen.
    }

    @Override
    public void onCompleted() {
        halfClosed = true;
        pump.resume();
    }

    @Override
    public LeaseKeepAliveResponse next() {
        Renewal head = renewals.peek();
        if (head == null || !head.result().isDone()) {
            return null;
        }
        renewals.remove();
        call.request(1);
        try {
            return head.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof EtcdException ee && ee.error() == EtcdError.LEASE_NOT_FOUND) {
                // etcd: "if err == lease.ErrLeaseNotFound { err = nil; ttl = 0 }". etcd fills the
                // header there; the transport cannot, so a server that wants it should answer TTL 0
                // itself instead of failing.
                return LeaseKeepAliveResponse.newBuilder()
                        .setHeader(ResponseHeader.getDefaultInstance())
                        .setID(head.leaseId())
                        .setTTL(0)
                        .build();
            }
            throw e;
        }
    }

    @Override
    public boolean ended() {
        // halfClosed first: once it is set no renewal is added any more, so an empty queue is final.
        return halfClosed && renewals.isEmpty();
    }

    @Override
    public void close() {
        renewals.clear();
    }
}
