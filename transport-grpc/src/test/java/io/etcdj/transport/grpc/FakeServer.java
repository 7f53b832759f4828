package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.util.concurrent.CompletableFuture;

/** A server facade that implements nothing; tests override the methods they exercise. */
class FakeServer implements EtcdServerApi {
    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public CompletableFuture<StatusResponse> status(StatusRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public CompletableFuture<MemberListResponse> memberList(MemberListRequest request, RequestContext context) {
        return EtcdServerApi.notImplemented();
    }

    @Override
    public int maxRequestBytes() {
        return 1536 * 1024;
    }
}
