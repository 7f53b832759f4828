package io.etcdj.transport.http.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.etcdj.api.etcdserverpb.Member;
import io.etcdj.api.etcdserverpb.MemberAddRequest;
import io.etcdj.api.etcdserverpb.MemberListRequest;
import io.etcdj.api.etcdserverpb.MemberRemoveRequest;
import io.etcdj.api.etcdserverpb.MemberUpdateRequest;
import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * {@code /v2/members} and {@code /v2/machines}: etcd 3.4's membersHandler and machinesHandler.
 * Members are listed as {@code {"members":[{"id","name","peerURLs","clientURLs"}]}}; POST adds a
 * member from {@code {"peerURLs":[...]}} (201 with the new member), DELETE and PUT
 * {@code /v2/members/<hex id>} remove and update (204). Errors are etcd's {@code {"message"}}
 * bodies: 409 for a taken ID or peer URL, 404 for an unknown member, 415 for a body that is not
 * JSON, 400 for bad JSON or URLs, 500 for anything else.
 */
final class MembersHandler {
    static final String MEMBERS_PREFIX = "/v2/members";

    private final EtcdServerApi server;
    private final ClusterIdentity cluster;

    MembersHandler(EtcdServerApi server, ClusterIdentity cluster) {
        this.server = server;
        this.cluster = cluster;
    }

    void handle(Request request, Response response) throws IOException {
        if (!Replies.allowMethod(request, response, "GET", "POST", "DELETE", "PUT")) {
            return;
        }
        response.header("X-Etcd-Cluster-Id", cluster.hex());
        RequestContext context = Contexts.of(request);
        switch (request.method()) {
            case "GET" -> get(request, response, context);
            case "POST" -> add(request, response, context);
            case "DELETE" -> remove(request, response, context);
            default -> update(request, response, context);
        }
    }

    /** {@code /v2/machines}: every member's client URLs, sorted, joined by ", " (plain text). */
    void machines(Request request, Response response) throws IOException {
        if (!Replies.allowMethod(request, response, "GET", "HEAD")) {
            return;
        }
        List<Member> members;
        try {
            members = ServerCalls.await(() -> server.memberList(MemberListRequest.getDefaultInstance(), Contexts.of(request)))
                    .getMembersList();
        } catch (ExecutionException e) {
            internalError(response);
            return;
        }
        List<String> urls = new ArrayList<>();
        members.forEach(m -> urls.addAll(m.getClientURLsList()));
        urls.sort(null);
        byte[] body = String.join(", ", urls).getBytes(StandardCharsets.UTF_8);
        if (body.length > 0) {
            response.header("Content-Type", "text/plain; charset=utf-8");
        }
        response.send(200, body);
    }

    private void get(Request request, Response response, RequestContext context) throws IOException {
        String sub = trimPrefix(request.path());
        if (!sub.isEmpty() && !sub.equals("leader")) {
            Replies.httpError(response, 404, "Not found");
            return;
        }
        List<Member> members;
        long leader = 0;
        try {
            members = ServerCalls.await(() -> server.memberList(MemberListRequest.getDefaultInstance(), context)).getMembersList();
            if (sub.equals("leader")) {
                leader = ServerCalls.await(() -> server.status(StatusRequest.getDefaultInstance(), context)).getLeader();
            }
        } catch (ExecutionException e) {
            internalError(response);
            return;
        }
        StringBuilder b = new StringBuilder(256);
        if (sub.isEmpty()) {
            b.append("{\"members\":[");
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                appendMember(b, members.get(i));
            }
            b.append("]}");
        } else {
            long id = leader;
            Member m = members.stream().filter(x -> x.getID() == id).findFirst().orElse(null);
            if (m == null) {
                Replies.httpError(response, 503, "During election");
                return;
            }
            appendMember(b, m);
        }
        b.append('\n');
        response.header("Content-Type", "application/json");
        response.send(200, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void add(Request request, Response response, RequestContext context) throws IOException {
        List<String> peerUrls = peerUrls(request, response);
        if (peerUrls == null) {
            return;
        }
        Member added;
        try {
            added = ServerCalls.await(() -> server.memberAdd(
                    MemberAddRequest.newBuilder().addAllPeerURLs(peerUrls).build(), context))
                    .getMember();
        } catch (ExecutionException e) {
            EtcdError error = errorOf(e);
            if (error == EtcdError.MEMBER_EXIST) {
                Replies.httpError(response, 409, "membership: ID exists");
            } else if (error == EtcdError.PEER_URL_EXIST) {
                Replies.httpError(response, 409, "membership: peerURL exists");
            } else {
                internalError(response);
            }
            return;
        }
        StringBuilder b = new StringBuilder(128);
        appendMember(b, added);
        b.append('\n');
        response.header("Content-Type", "application/json");
        response.send(201, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void remove(Request request, Response response, RequestContext context) throws IOException {
        Long id = memberId(request, response);
        if (id == null) {
            return;
        }
        try {
            ServerCalls.await(() -> server.memberRemove(MemberRemoveRequest.newBuilder().setID(id).build(), context));
        } catch (ExecutionException e) {
            if (errorOf(e) == EtcdError.MEMBER_NOT_FOUND) {
                Replies.httpError(response, 404, "No such member: " + Long.toHexString(id));
            } else {
                internalError(response);
            }
            return;
        }
        response.send(204, new byte[0]);
    }

    private void update(Request request, Response response, RequestContext context) throws IOException {
        Long id = memberId(request, response);
        if (id == null) {
            return;
        }
        List<String> peerUrls = peerUrls(request, response);
        if (peerUrls == null) {
            return;
        }
        try {
            ServerCalls.await(() -> server.memberUpdate(
                    MemberUpdateRequest.newBuilder().setID(id).addAllPeerURLs(peerUrls).build(), context));
        } catch (ExecutionException e) {
            EtcdError error = errorOf(e);
            if (error == EtcdError.PEER_URL_EXIST) {
                Replies.httpError(response, 409, "membership: peerURL exists");
            } else if (error == EtcdError.MEMBER_NOT_FOUND) {
                Replies.httpError(response, 404, "No such member: " + Long.toHexString(id));
            } else {
                internalError(response);
            }
            return;
        }
        response.send(204, new byte[0]);
    }

    /** etcd's getID: the hexadecimal ID after the prefix; null after answering 405 or 404. */
    private static Long memberId(Request request, Response response) throws IOException {
        String id = trimPrefix(request.path());
        if (id.isEmpty()) {
            response.sendText(405, "Method Not Allowed");
            return null;
        }
        try {
            return Long.parseUnsignedLong(id, 16);
        } catch (NumberFormatException e) {
            Replies.httpError(response, 404, "No such member: " + id);
            return null;
        }
    }

    /**
     * etcd's unmarshalRequest and MemberCreateRequest: a JSON body (Content-Type checked as etcd
     * does, which lower-cases it only when it has parameters) with valid, sorted peer URLs; null
     * after answering the error.
     */
    private static List<String> peerUrls(Request request, Response response) throws IOException {
        String contentType = request.headers().first("Content-Type");
        contentType = contentType == null ? "" : contentType;
        int semicolon = contentType.indexOf(';');
        if (semicolon >= 0) {
            contentType = contentType.substring(0, semicolon).trim().toLowerCase(Locale.ROOT);
        }
        if (!contentType.equals("application/json")) {
            Replies.httpError(response, 415, "Bad Content-Type " + contentType + ", accept application/json");
            return null;
        }
        MemberAddRequest.Builder parsed = MemberAddRequest.newBuilder();
        try {
            String json = new String(request.readBody(), StandardCharsets.UTF_8);
            JsonFormat.parser().ignoringUnknownFields().merge(json, parsed);
            return PeerUrls.parse(parsed.getPeerURLsList());
        } catch (RequestBody.TooLarge e) {
            response.closeAfter();
            Replies.httpError(response, 400, "http: request body too large");
        } catch (InvalidProtocolBufferException | PeerUrls.Invalid e) {
            Replies.httpError(response, 400, e.getMessage());
        }
        return null;
    }

    private static String trimPrefix(String path) {
        String s = path.startsWith(MEMBERS_PREFIX) ? path.substring(MEMBERS_PREFIX.length()) : path;
        return s.startsWith("/") ? s.substring(1) : s;
    }

    private static void appendMember(StringBuilder b, Member m) {
        b.append("{\"id\":\"").append(Long.toHexString(m.getID())).append("\",\"name\":");
        GoJsonText.appendQuoted(b, m.getName());
        b.append(",\"peerURLs\":");
        GoJsonText.appendArray(b, m.getPeerURLsList());
        b.append(",\"clientURLs\":");
        GoJsonText.appendArray(b, m.getClientURLsList());
        b.append('}');
    }

    private static void internalError(Response response) throws IOException {
        Replies.httpError(response, 500, "Internal Server Error");
    }

    private static EtcdError errorOf(ExecutionException e) {
        return Replies.cause(e) instanceof EtcdException ee ? ee.error() : null;
    }
}
