package io.etcdj.transport.grpc;

import io.etcdj.api.v3lockpb.LockGrpc;
import io.etcdj.api.v3lockpb.LockRequest;
import io.etcdj.api.v3lockpb.LockResponse;
import io.etcdj.api.v3lockpb.UnlockRequest;
import io.etcdj.api.v3lockpb.UnlockResponse;
import io.etcdj.spi.server.EtcdServerApi;
import io.grpc.stub.StreamObserver;

/**
 * v3lockpb.Lock (etcd 3.4 {@code etcdserver/api/v3lock}). {@code Lock} waits until the lock is
 * acquired; a client that gives up cancels the server's future (see
 * {@link Calls#unaryCancelledWithClient}).
 */
final class LockService extends LockGrpc.LockImplBase {
    private final EtcdServerApi server;

    LockService(EtcdServerApi server) {
        this.server = server;
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> observer) {
        Calls.unaryCancelledWithClient(request, observer, server::lock);
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> observer) {
        Calls.unary(request, observer, server::unlock);
    }
}
