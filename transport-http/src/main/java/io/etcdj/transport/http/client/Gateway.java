package io.etcdj.transport.http.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.etcdj.api.etcdserverpb.AlarmRequest;
import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.etcdserverpb.DefragmentRequest;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.HashRequest;
import io.etcdj.api.etcdserverpb.LeaseGrantRequest;
import io.etcdj.api.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.api.etcdserverpb.LeaseLeasesRequest;
import io.etcdj.api.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.api.etcdserverpb.MemberAddRequest;
import io.etcdj.api.etcdserverpb.MemberListRequest;
import io.etcdj.api.etcdserverpb.MemberPromoteRequest;
import io.etcdj.api.etcdserverpb.MemberRemoveRequest;
import io.etcdj.api.etcdserverpb.MemberUpdateRequest;
import io.etcdj.api.etcdserverpb.MoveLeaderRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.SnapshotRequest;
import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.v3electionpb.CampaignRequest;
import io.etcdj.api.v3electionpb.LeaderRequest;
import io.etcdj.api.v3electionpb.ProclaimRequest;
import io.etcdj.api.v3electionpb.ResignRequest;
import io.etcdj.api.v3lockpb.LockRequest;
import io.etcdj.api.v3lockpb.UnlockRequest;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.SnapshotStream;
import io.etcdj.spi.server.StatusCode;
import io.etcdj.spi.server.WatchSession;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;

/**
 * etcd 3.4's v3 JSON gateway (grpc-gateway 1.x, {@code etcdserverpb/gw} and the lock and election
 * gateways): every v3 RPC as {@code POST /v3/<service>/<method>} with the request message as JSON
 * in the body (only its first JSON value is read, as grpc-gateway decodes one), answered with the
 * response message as JSON or grpc-gateway's error body; streams ({@code /v3/watch},
 * {@code /v3/lease/keepalive}, {@code /v3/maintenance/snapshot}, {@code /v3/election/observe})
 * answer one {@code {"result":...}} line per message. The router maps {@code /v3beta/} here too.
 *
 * <p>As in etcd 3.4, {@code /v3/maintenance/hash} is {@code Hash}: {@code HashKV} was registered
 * under the same path after it and is unreachable through the gateway. The Auth service is not
 * built in etcdj yet and is answered 501 (gRPC UNIMPLEMENTED), as the gRPC transport answers it.
 * An unknown path is 404 "Not Found", a known one with another method than POST 405.
 */
final class Gateway {
    private record Unary(java.util.function.Supplier<Message.Builder> request,
                         BiFunction<Message, RequestContext, CompletableFuture<? extends Message>> call,
                         boolean cancelWithClient) {
    }

    private static final Map<String, String> AUTH_METHODS = Map.ofEntries(
            Map.entry("/v3/auth/enable", "AuthEnable"), Map.entry("/v3/auth/disable", "AuthDisable"),
            Map.entry("/v3/auth/authenticate", "Authenticate"), Map.entry("/v3/auth/user/add", "UserAdd"),
            Map.entry("/v3/auth/user/get", "UserGet"), Map.entry("/v3/auth/user/list", "UserList"),
            Map.entry("/v3/auth/user/delete", "UserDelete"), Map.entry("/v3/auth/user/changepw", "UserChangePassword"),
            Map.entry("/v3/auth/user/grant", "UserGrantRole"), Map.entry("/v3/auth/user/revoke", "UserRevokeRole"),
            Map.entry("/v3/auth/role/add", "RoleAdd"), Map.entry("/v3/auth/role/get", "RoleGet"),
            Map.entry("/v3/auth/role/list", "RoleList"), Map.entry("/v3/auth/role/delete", "RoleDelete"),
            Map.entry("/v3/auth/role/grant", "RoleGrantPermission"),
            Map.entry("/v3/auth/role/revoke", "RoleRevokePermission"));

    private static final String WATCH = "/v3/watch";
    private static final String KEEP_ALIVE = "/v3/lease/keepalive";
    private static final String SNAPSHOT = "/v3/maintenance/snapshot";
    private static final String OBSERVE = "/v3/election/observe";

    private final EtcdServerApi server;
    /** The largest request message the server takes: --max-request-bytes plus gRPC's overhead. */
    private final long maxMessageBytes;
    private final Map<String, Unary> unary = new HashMap<>();

    Gateway(EtcdServerApi server) {
        this.server = server;
        this.maxMessageBytes = (long) server.maxRequestBytes() + HttpClientTransport.GRPC_OVERHEAD_BYTES;
        EtcdServerApi s = server;
        add("/v3/kv/range", RangeRequest.getDefaultInstance(), s::range);
        add("/v3/kv/put", PutRequest.getDefaultInstance(), s::put);
        add("/v3/kv/deleterange", DeleteRangeRequest.getDefaultInstance(), s::deleteRange);
        add("/v3/kv/txn", TxnRequest.getDefaultInstance(), s::txn);
        add("/v3/kv/compaction", CompactionRequest.getDefaultInstance(), s::compact);
        add("/v3/lease/grant", LeaseGrantRequest.getDefaultInstance(), s::leaseGrant);
        add("/v3/lease/revoke", LeaseRevokeRequest.getDefaultInstance(), s::leaseRevoke);
        add("/v3/kv/lease/revoke", LeaseRevokeRequest.getDefaultInstance(), s::leaseRevoke);
        add("/v3/lease/timetolive", LeaseTimeToLiveRequest.getDefaultInstance(), s::leaseTimeToLive);
        add("/v3/kv/lease/timetolive", LeaseTimeToLiveRequest.getDefaultInstance(), s::leaseTimeToLive);
        add("/v3/lease/leases", LeaseLeasesRequest.getDefaultInstance(), s::leaseLeases);
        add("/v3/kv/lease/leases", LeaseLeasesRequest.getDefaultInstance(), s::leaseLeases);
        add("/v3/cluster/member/add", MemberAddRequest.getDefaultInstance(), s::memberAdd);
        add("/v3/cluster/member/remove", MemberRemoveRequest.getDefaultInstance(), s::memberRemove);
        add("/v3/cluster/member/update", MemberUpdateRequest.getDefaultInstance(), s::memberUpdate);
        add("/v3/cluster/member/list", MemberListRequest.getDefaultInstance(), s::memberList);
        add("/v3/cluster/member/promote", MemberPromoteRequest.getDefaultInstance(), s::memberPromote);
        add("/v3/maintenance/alarm", AlarmRequest.getDefaultInstance(), s::alarm);
        add("/v3/maintenance/status", StatusRequest.getDefaultInstance(), s::status);
        add("/v3/maintenance/defragment", DefragmentRequest.getDefaultInstance(), s::defragment);
        add("/v3/maintenance/hash", HashRequest.getDefaultInstance(), s::hash);
        add("/v3/maintenance/transfer-leadership", MoveLeaderRequest.getDefaultInstance(), s::moveLeader);
        add("/v3/lock/unlock", UnlockRequest.getDefaultInstance(), s::unlock);
        add("/v3/election/proclaim", ProclaimRequest.getDefaultInstance(), s::proclaim);
        add("/v3/election/leader", LeaderRequest.getDefaultInstance(), s::leader);
        add("/v3/election/resign", ResignRequest.getDefaultInstance(), s::resign);
        // These wait (for the lock, for leadership) until granted: a client that leaves cancels them.
        addCancellable("/v3/lock/lock", LockRequest.getDefaultInstance(), s::lock);
        addCancellable("/v3/election/campaign", CampaignRequest.getDefaultInstance(), s::campaign);
    }

    private <Q extends Message> void add(String path, Q prototype,
                                         BiFunction<Q, RequestContext, CompletableFuture<? extends Message>> call) {
        register(path, prototype, call, false);
    }

    private <Q extends Message> void addCancellable(String path, Q prototype,
                                                    BiFunction<Q, RequestContext, CompletableFuture<? extends Message>> call) {
        register(path, prototype, call, true);
    }

    @SuppressWarnings("unchecked")
    private <Q extends Message> void register(String path, Q prototype,
                                              BiFunction<Q, RequestContext, CompletableFuture<? extends Message>> call,
                                              boolean cancelWithClient) {
        unary.put(path, new Unary(prototype::newBuilderForType, (m, c) -> call.apply((Q) m, c), cancelWithClient));
    }

    void handle(Request request, Response response) throws IOException {
        String path = request.path();
        boolean stream = path.equals(WATCH) || path.equals(KEEP_ALIVE) || path.equals(SNAPSHOT) || path.equals(OBSERVE);
        Unary call = unary.get(path);
        String authMethod = AUTH_METHODS.get(path);
        if (call == null && !stream && authMethod == null) {
            response.sendText(404, "Not Found");
            return;
        }
        if (!request.method().equals("POST")) {
            response.sendText(405, "Method Not Allowed");
            return;
        }
        if (authMethod != null) {
            // TODO(auth not built yet): the Auth service, once the server implements it.
            new GatewayFailure(StatusCode.UNIMPLEMENTED, "Method not found: etcdserverpb.Auth/" + authMethod)
                    .send(response);
            return;
        }
        RequestContext context = Contexts.of(request);
        switch (path) {
            case WATCH -> watch(request, response, context);
            case KEEP_ALIVE -> keepAlive(request, response, context);
            case SNAPSHOT -> snapshot(request, response, context);
            case OBSERVE -> observe(request, response, context);
            default -> unary(request, response, context, call);
        }
    }

    private void unary(Request request, Response response, RequestContext context, Unary unary) throws IOException {
        Message message = readOne(request, response, unary.request().get());
        if (message == null) {
            return;
        }
        CompletableFuture<? extends Message> result = ServerCalls.start(() -> unary.call().apply(message, context));
        if (unary.cancelWithClient()) {
            drainBody(request);
            request.watchClient(() -> result.cancel(true));
        }
        Message answer;
        try {
            answer = ServerCalls.await(result);
        } catch (ExecutionException | CancellationException e) {
            if (result.isCancelled()) {
                // Only the client leaving cancels it: nobody to answer.
                response.abandon();
                return;
            }
            GatewayFailure.of(e).send(response);
            return;
        }
        response.header("Content-Type", "application/json");
        response.header("Grpc-Metadata-Content-Type", "application/grpc");
        response.send(200, GatewayJson.print(answer));
    }

    /**
     * The request message from the body's first JSON value (an empty body is the empty message);
     * null after answering: 400 (InvalidArgument) if it does not parse, 429 (ResourceExhausted)
     * if larger than the server takes, as etcd's gRPC server refuses it.
     */
    private Message readOne(Request request, Response response, Message.Builder builder) throws IOException {
        try {
            GatewayJson.parse(new JsonValueReader(request.body(), Long.MAX_VALUE).next(), builder);
        } catch (RequestBody.TooLarge e) {
            response.closeAfter();
            long length = request.framedBody().knownRemaining();
            tooLarge(response, length > 0 ? length : maxMessageBytes + 1);
            return null;
        } catch (InvalidProtocolBufferException e) {
            new GatewayFailure(StatusCode.INVALID_ARGUMENT, String.valueOf(e.getMessage())).send(response);
            return null;
        }
        Message message = builder.build();
        if (message.getSerializedSize() > maxMessageBytes) {
            tooLarge(response, message.getSerializedSize());
            return null;
        }
        return message;
    }

    private void tooLarge(Response response, long size) throws IOException {
        new GatewayFailure(StatusCode.RESOURCE_EXHAUSTED,
                "grpc: received message larger than max (" + size + " vs. " + maxMessageBytes + ")").send(response);
    }

    private static void drainBody(Request request) {
        try {
            request.body().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The client is gone or sent too much; watching it then reports nothing more.
        }
    }

    private void watch(Request request, Response response, RequestContext context) throws IOException {
        request.markEndless();
        request.framedBody().unlimit();
        StreamRequests<WatchRequest> requests = new StreamRequests<>(request, maxMessageBytes, WatchRequest::newBuilder);
        WatchRequest first;
        try {
            first = requests.first();
        } catch (InvalidProtocolBufferException e) {
            // grpc-gateway fails the request itself with the decoder's error, as status Unknown.
            new GatewayFailure(StatusCode.UNKNOWN, String.valueOf(e.getMessage())).send(response);
            return;
        }
        WatchSession session;
        try {
            session = server.watch(context);
        } catch (RuntimeException e) {
            failedStream(response, GatewayFailure.of(e));
            return;
        }
        Wakeup wakeup = new Wakeup();
        GoneFlag client = new GoneFlag(wakeup);
        try (WatchGatewayStream stream = new WatchGatewayStream(session)) {
            session.setListener(wakeup::signal);
            if (first != null) {
                session.handle(first);
                requests.readRest(request, session::handle, clean -> client.bodyEnded(request, clean));
            } else {
                client.bodyEnded(request, true);
            }
            GatewayStream.pump(stream, response, wakeup, client.gone());
        }
    }

    private void keepAlive(Request request, Response response, RequestContext context) throws IOException {
        request.markEndless();
        request.framedBody().unlimit();
        StreamRequests<LeaseKeepAliveRequest> requests =
                new StreamRequests<>(request, maxMessageBytes, LeaseKeepAliveRequest::newBuilder);
        LeaseKeepAliveRequest first;
        try {
            first = requests.first();
        } catch (InvalidProtocolBufferException e) {
            new GatewayFailure(StatusCode.UNKNOWN, String.valueOf(e.getMessage())).send(response);
            return;
        }
        Wakeup wakeup = new Wakeup();
        GoneFlag client = new GoneFlag(wakeup);
        try (KeepAliveGatewayStream stream = new KeepAliveGatewayStream(server, context, wakeup)) {
            if (first != null) {
                stream.renew(first);
                requests.readRest(request, stream::renew, clean -> {
                    stream.halfClose();
                    client.bodyEnded(request, clean);
                });
            } else {
                stream.halfClose();
                client.bodyEnded(request, true);
            }
            GatewayStream.pump(stream, response, wakeup, client.gone());
        }
    }

    private void snapshot(Request request, Response response, RequestContext context) throws IOException {
        Message message = readOne(request, response, SnapshotRequest.newBuilder());
        if (message == null) {
            return;
        }
        request.markEndless();
        SnapshotStream snapshot;
        try {
            snapshot = ServerCalls.await(() -> server.snapshot((SnapshotRequest) message, context));
        } catch (ExecutionException e) {
            failedStream(response, GatewayFailure.of(e));
            return;
        }
        Wakeup wakeup = new Wakeup();
        GoneFlag client = new GoneFlag(wakeup);
        client.bodyEnded(request, true);
        try (SnapshotGatewayStream stream = new SnapshotGatewayStream(snapshot)) {
            GatewayStream.pump(stream, response, wakeup, client.gone());
        }
    }

    private void observe(Request request, Response response, RequestContext context) throws IOException {
        Message message = readOne(request, response, LeaderRequest.newBuilder());
        if (message == null) {
            return;
        }
        request.markEndless();
        Wakeup wakeup = new Wakeup();
        io.etcdj.spi.server.ObserveSession session;
        try {
            session = server.observe((LeaderRequest) message, context);
        } catch (RuntimeException e) {
            failedStream(response, GatewayFailure.of(e));
            return;
        }
        GoneFlag client = new GoneFlag(wakeup);
        client.bodyEnded(request, true);
        try (ObserveGatewayStream stream = new ObserveGatewayStream(session, wakeup)) {
            session.setListener(wakeup::signal);
            GatewayStream.pump(stream, response, wakeup, client.gone());
        }
    }

    /** A stream that failed before its first message: the failure's status and one error chunk. */
    private static void failedStream(Response response, GatewayFailure failure) throws IOException {
        response.header("Content-Type", "application/json");
        Response.Stream out = response.stream(GatewayJson.httpStatus(failure.code()));
        out.write(GatewayJson.streamError(failure.code(), failure.message()));
        out.finish();
    }

    /**
     * Whether the client of a stream went away: seen by the body's reader while the body lasts
     * (it fails), then by watching the connection.
     */
    private static final class GoneFlag {
        private final Wakeup wakeup;
        private volatile Request.ClientGone watched;
        private volatile boolean failed;
        private final Request.ClientGone view;

        GoneFlag(Wakeup wakeup) {
            this.wakeup = wakeup;
            this.view = () -> failed || watched != null && watched.isGone();
        }

        void bodyEnded(Request request, boolean clean) {
            if (clean) {
                watched = request.watchClient(wakeup::signal);
            } else {
                failed = true;
                wakeup.signal();
            }
        }

        Request.ClientGone gone() {
            return view;
        }
    }
}
