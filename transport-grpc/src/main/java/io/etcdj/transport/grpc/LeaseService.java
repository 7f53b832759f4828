package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/** etcdserverpb.Lease (etcd 3.4 {@code v3rpc/lease.go}); keep-alive streams are {@link KeepAliveStream}s. */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final EtcdServerApi server;
    private final Executor executor;

    LeaseService(EtcdServerApi server, Executor executor) {
        this.server = server;
        this.executor = executor;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        Calls.unary(request, observer, server::leaseGrant);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        Calls.unary(request, observer, server::leaseRevoke);
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        Calls.unary(request, observer, server::leaseTimeToLive);
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        Calls.unary(request, observer, server::leaseLeases);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        return KeepAliveStream.open(server, (ServerCallStreamObserver<LeaseKeepAliveResponse>) responses, executor);
    }
}
