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

    /** A stream of the whole backend at one point in time, ending with its SHA-256. */
    default CompletableFuture<SnapshotStream> snapshot(SnapshotRequest request, RequestContext context) {
        return notImplemented();
    }

    // ---- Watch

    /** Opens one watch stream; the transport closes it when the client's stream ends. */
    default WatchSession watch(RequestContext context) {
        throw EtcdError.NOT_IMPLEMENTED.exception();
    }

    // ---- Lease

    default CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request, RequestContext context) {
        return notImplemented();
    }

    /** One renewal of a keep-alive stream; the transport answers each request with the result, in order. */
    default CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request,
                                                                     RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request,
                                                                       RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<LeaseLeasesResponse> leaseLeases(LeaseLeasesRequest request, RequestContext context) {
        return notImplemented();
    }

    // ---- v3lock and v3election (etcd serves them from the server, built on KV, lease and watch)

    default CompletableFuture<io.etcdj.api.v3lockpb.LockResponse> lock(io.etcdj.api.v3lockpb.LockRequest request,
                                                                       RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<io.etcdj.api.v3lockpb.UnlockResponse> unlock(io.etcdj.api.v3lockpb.UnlockRequest request,
                                                                           RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<io.etcdj.api.v3electionpb.CampaignResponse> campaign(
            io.etcdj.api.v3electionpb.CampaignRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<io.etcdj.api.v3electionpb.ProclaimResponse> proclaim(
            io.etcdj.api.v3electionpb.ProclaimRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<io.etcdj.api.v3electionpb.LeaderResponse> leader(
            io.etcdj.api.v3electionpb.LeaderRequest request, RequestContext context) {
        return notImplemented();
    }

    default CompletableFuture<io.etcdj.api.v3electionpb.ResignResponse> resign(
            io.etcdj.api.v3electionpb.ResignRequest request, RequestContext context) {
        return notImplemented();
    }

    /**
     * {@code Election.Observe}: every leader of the election in turn, starting with the current one.
     * The returned session delivers {@code LeaderResponse}s; closing it stops the observation.
     */
    default ObserveSession observe(io.etcdj.api.v3electionpb.LeaderRequest request, RequestContext context) {
        throw EtcdError.NOT_IMPLEMENTED.exception();
    }

    /** The largest request the server accepts ({@code --max-request-bytes}); transports size their frames from it. */
    int maxRequestBytes();

    // ---- the v2 API (etcd's /v2/keys; the HTTP front end parses forms and writes responses)

    /**
     * A v2 keys request (etcd's {@code etcdserverpb.Request}: GET with {@code wait}/{@code quorum},
     * PUT, POST, DELETE, with etcd's field meanings). Reads without {@code quorum} are answered
     * locally, writes and quorum reads go through Raft. Fails with an {@link EtcdException} only for
     * errors that are not v2 errors (for example the server stopping); v2 errors such as "Key not
     * found" are a {@link V2Answer.Result} with etcd's status and JSON.
     */
    default CompletableFuture<V2Answer> v2(io.etcdj.api.serverpb.V2Request request, RequestContext context) {
        return notImplemented();
    }

    /** The etcd version whose API this server implements ("3.4.23"), for {@code /version}. */
    default String serverVersion() {
        return "3.4.23";
    }

    /** The cluster's version ("3.4.0") once the leader decided it, else null ({@code /version} shows "not_decided"). */
    default String clusterVersion() {
        return null;
    }

    /** etcd's {@code /v2/stats/self} JSON (this member's Raft state and traffic). */
    default CompletableFuture<byte[]> v2SelfStats(RequestContext context) {
        return notImplemented();
    }

    /** etcd's {@code /v2/stats/leader} JSON; fails with NOT_LEADER on a follower (etcd answers 403 there). */
    default CompletableFuture<byte[]> v2LeaderStats(RequestContext context) {
        return notImplemented();
    }

    /** The server's metrics in the Prometheus text exposition format, for {@code /metrics}. */
    default CompletableFuture<byte[]> metrics(RequestContext context) {
        return notImplemented();
    }

    /** False when {@code --enable-v2=false}: the HTTP front end then serves no {@code /v2/keys} (etcd answers 404). */
    default boolean v2Enabled() {
        return true;
    }

    /** etcd's {@code /v2/stats/store} JSON. */
    default CompletableFuture<byte[]> v2StoreStats(RequestContext context) {
        return notImplemented();
    }

    static <T> CompletableFuture<T> notImplemented() {
        return CompletableFuture.failedFuture(EtcdError.NOT_IMPLEMENTED.exception());
    }
}
