package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.grpc.stub.StreamObserver;

/** etcdserverpb.Maintenance; Snapshot streaming comes with the maintenance issue (UNIMPLEMENTED until then). */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private final EtcdServerApi server;

    MaintenanceService(EtcdServerApi server) {
        this.server = server;
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
