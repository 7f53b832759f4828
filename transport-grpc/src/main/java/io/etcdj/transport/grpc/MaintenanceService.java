package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.SnapshotStream;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** etcdserverpb.Maintenance; Snapshot is streamed by {@link SnapshotChunks} under flow control. */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private final EtcdServerApi server;
    private final Executor executor;

    MaintenanceService(EtcdServerApi server, Executor executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Reading the snapshot may block on disk: it happens on the pump's executor (not a gRPC
     * thread), one chunk at a time and only while the client keeps up. A client that cancels
     * closes the stream; if it cancels before the server produced the stream, the stream is closed
     * as soon as it arrives.
     */
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> observer) {
        ResponsePump<SnapshotResponse> pump =
                new ResponsePump<>((ServerCallStreamObserver<SnapshotResponse>) observer, executor);
        CompletableFuture<SnapshotStream> snapshot;
        try {
            snapshot = server.snapshot(request, RequestContextInterceptor.current());
        } catch (RuntimeException e) {
            snapshot = CompletableFuture.failedFuture(e);
        }
        snapshot.whenComplete((stream, failure) -> {
            if (failure != null) {
                pump.fail(failure);
            } else {
                pump.start(new SnapshotChunks(stream));
            }
        });
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        Calls.unary(request, observer, server::status);
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        Calls.unary(request, observer, server::alarm);
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
        Calls.unary(request, observer, server::defragment);
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> observer) {
        Calls.unary(request, observer, server::hash);
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
        Calls.unary(request, observer, server::hashKV);
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> observer) {
        Calls.unary(request, observer, server::moveLeader);
    }
}
