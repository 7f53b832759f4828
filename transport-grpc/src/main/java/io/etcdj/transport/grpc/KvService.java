package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.grpc.stub.StreamObserver;

/** etcdserverpb.KV: decode, call the server, encode. */
final class KvService extends KVGrpc.KVImplBase {
    private final EtcdServerApi server;

    KvService(EtcdServerApi server) {
        this.server = server;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        Calls.unary(request, observer, server::range);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        Calls.unary(request, observer, server::put);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        Calls.unary(request, observer, server::deleteRange);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        Calls.unary(request, observer, server::txn);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Calls.unary(request, observer, server::compact);
    }
}
