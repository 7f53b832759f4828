package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.grpc.stub.StreamObserver;

/** etcdserverpb.Cluster. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final EtcdServerApi server;

    ClusterService(EtcdServerApi server) {
        this.server = server;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        Calls.unary(request, observer, server::memberList);
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        Calls.unary(request, observer, server::memberAdd);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        Calls.unary(request, observer, server::memberRemove);
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> observer) {
        Calls.unary(request, observer, server::memberUpdate);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> observer) {
        Calls.unary(request, observer, server::memberPromote);
    }
}
