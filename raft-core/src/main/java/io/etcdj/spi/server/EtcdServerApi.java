package io.etcdj.spi.server;

import io.etcdj.api.etcdserverpb.*;
import java.util.concurrent.CompletableFuture;

/**
 * The server as a client front end sees it: one method per etcd v3 unary RPC, taking and
 * returning the wire messages. A transport decodes, calls, and encodes — nothing more; the server
 * validates, fills the response header and reports failures by completing the future with an
 * {@link EtcdException}.
 *
 * <p>Methods of features not built yet keep the default, which fails with
 * {@link EtcdError#NOT_IMPLEMENTED}: a client is told plainly rather than answered wrongly.
 */
public interface EtcdServerApi {

    // ---- KV

    CompletableFuture<RangeResponse> range(RangeRequest request, RequestContext context);

    CompletableFuture<PutResponse> put(PutRequest request, RequestContext context);

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, RequestContext context);

    CompletableFuture<TxnResponse> txn(TxnRequest request, RequestContext context);

    CompletableFuture<CompactionResponse> compact(CompactionRequest request, RequestContext context);

    // ---- Maintenance

    CompletableFuture<StatusResponse> status(StatusRequest request, RequestContext context);

    default CompletableFuture<AlarmResponse> alarm(AlarmRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<DefragmentResponse> defragment(DefragmentRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<HashResponse> hash(HashRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<HashKVResponse> hashKV(HashKVRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<MoveLeaderResponse> moveLeader(MoveLeaderRequest request, RequestContext context) {
        return notImplemented();
    }

    // ---- Cluster

    CompletableFuture<MemberListResponse> memberList(MemberListRequest request, RequestContext context);

    default CompletableFuture<MemberAddResponse> memberAdd(MemberAddRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<MemberRemoveResponse> memberRemove(MemberRemoveRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<MemberUpdateResponse> memberUpdate(MemberUpdateRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<MemberPromoteResponse> memberPromote(MemberPromoteRequest request, RequestContext context) {
        return notImplemented();
    }

    /** The largest request the server accepts ({@code --max-request-bytes}); transports size their frames from it. */
    int maxRequestBytes();

    static <T> CompletableFuture<T> notImplemented() {
        return CompletableFuture.failedFuture(EtcdError.NOT_IMPLEMENTED.exception());
    }
}
