package io.etcdj.transport.http.peer;

import com.sun.net.httpserver.HttpExchange;
import com.google.protobuf.CodedOutputStream;
import io.etcdj.api.raftpb.Message;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The wire contract between etcdj members over HTTP/1.1, after etcd's rafthttp (paths under
 * {@code /raft}, its headers, status codes and error texts); the messages are etcdj's own
 * {@code etcdj.raftpb.Message}, so it does not talk to etcd members.
 *
 * <table>
 *   <caption>Requests (all POST)</caption>
 *   <tr><th>path</th><th>body</th><th>answer</th></tr>
 *   <tr><td>{@value #MESSAGES_PATH}</td><td>one or more frames, in the order sent</td>
 *       <td>204 once every message was handed to the receiver's handler</td></tr>
 *   <tr><td>{@value #SNAPSHOT_PATH}</td><td>one frame holding a MsgSnap, then the snapshot data
 *       (as many bytes as {@code Content-Length} leaves)</td>
 *       <td>204 once the receiver's handler took the snapshot; 500 "failed to save KV snapshot (...)"
 *       when it failed</td></tr>
 *   <tr><td>{@value #CALL_PATH}{@code <method>}</td><td>a request of the servers to each other, the
 *       method URL-encoded (UTF-8) in the path, at most {@value #MAX_CALL_BYTES} bytes</td>
 *       <td>200 with the receiver's answer (at most as big); 500 with the error's text when its
 *       {@code serve} failed</td></tr>
 * </table>
 *
 * <p>A frame is etcd's message encoding: the message's length as an unsigned 64-bit big-endian
 * integer, then the protobuf bytes; at most {@value #MAX_MESSAGE_BYTES} bytes.
 *
 * <p>Every request carries {@value #CLUSTER_ID}, {@value #SERVER_FROM} and {@value #RAFT_TO}
 * (IDs in lowercase hexadecimal, as etcd writes them). Refusals, with a text body:
 * 412 {@value #CLUSTER_ID_MISMATCH} (other cluster, or no cluster header),
 * 412 {@value #TO_MISMATCH} (the request is for another member),
 * 410 {@value #MEMBER_REMOVED} (the sender was removed from the cluster),
 * 400 for a missing sender or a malformed body, 405 for a method other than POST, 413 for a
 * request over the limit. A call without {@value #CLUSTER_ID} and {@value #SERVER_FROM} is taken
 * from anyone (a member joining a cluster knows neither its ID nor the cluster's yet, as etcd's
 * open {@code GET /members}); with either it is checked like the others.
 */
final class PeerHttpProtocol {
    static final String MESSAGES_PATH = "/raft/messages";
    static final String SNAPSHOT_PATH = "/raft/snapshot";
    static final String CALL_PATH = "/raft/call/";

    static final String CLUSTER_ID = "X-Etcd-Cluster-ID";
    static final String SERVER_FROM = "X-Server-From";
    static final String RAFT_TO = "X-Raft-To";

    /**
     * Largest message accepted and sent. The core bounds appends at about 1 MiB per message, but
     * one entry may be bigger (up to --max-request-bytes plus envelope).
     */
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** Largest request and answer of a call. */
    static final int MAX_CALL_BYTES = 16 * 1024 * 1024;
    static final int FRAME_HEADER_BYTES = Long.BYTES;

    // etcd's texts (rafthttp errClusterIDMismatch, the stream handler's, errMemberRemoved).
    static final String CLUSTER_ID_MISMATCH = "cluster ID mismatch";
    static final String TO_MISMATCH = "to field mismatch";
    static final String MEMBER_REMOVED = "the member has been permanently removed from the cluster";

    static final int OK = 200;
    static final int NO_CONTENT = 204;
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int GONE = 410;
    static final int PRECONDITION_FAILED = 412;
    static final int CONTENT_TOO_LARGE = 413;
    static final int INTERNAL_SERVER_ERROR = 500;

    private PeerHttpProtocol() {}

    static String hex(long id) {
        return Long.toHexString(id);
    }

    /** Parses a hexadecimal ID header; null when absent or malformed. */
    static Long parseId(String hex) {
        if (hex == null || hex.isEmpty()) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The path of a call to {@code method}. */
    static String callPath(String method) {
        return CALL_PATH + URLEncoder.encode(method, StandardCharsets.UTF_8);
    }

    /** The method of a call's raw (still encoded) path; null if it names none. */
    static String callMethod(String rawPath) {
        if (!rawPath.startsWith(CALL_PATH) || rawPath.length() == CALL_PATH.length()) {
            return null;
        }
        try {
            return URLDecoder.decode(rawPath.substring(CALL_PATH.length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code message} as one frame. */
    static byte[] frame(Message message) {
        int size = message.getSerializedSize();
        byte[] frame = new byte[FRAME_HEADER_BYTES + size];
        ByteBuffer.wrap(frame).putLong(size);
        CodedOutputStream out = CodedOutputStream.newInstance(frame, FRAME_HEADER_BYTES, size);
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("encoding a message into an array of its own size failed", e);
        }
        out.checkNoSpaceLeft();
        return frame;
    }

    /** A frame read: the message and the bytes it took on the wire, header included. */
    record Frame(Message message, long wireBytes) {
    }

    /**
     * Reads one frame. Returns null at the end of {@code in} before a frame starts; fails on a
     * frame cut short, over the size limit, or not a valid message.
     */
    static Frame readFrame(InputStream in) throws IOException {
        byte[] header = in.readNBytes(FRAME_HEADER_BYTES);
        if (header.length == 0) {
            return null;
        }
        if (header.length < FRAME_HEADER_BYTES) {
            throw new EOFException("raft message frame cut short in its length");
        }
        long length = ByteBuffer.wrap(header).getLong();
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            throw new IOException("raft message of " + Long.toUnsignedString(length) + " bytes, over the limit of "
                    + MAX_MESSAGE_BYTES);
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
            throw new EOFException("raft message frame cut short: " + bytes.length + " of " + length + " bytes");
        }
        return new Frame(Message.parseFrom(bytes), FRAME_HEADER_BYTES + length);
    }

    /** Answers with a text body, as etcd's {@code http.Error} does. */
    static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static void respondNoContent(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(NO_CONTENT, -1);
        exchange.close();
    }
}
