package io.etcdj.transport.grpc.peer;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;

/**
 * The wire contract between etcdj peers over gRPC, two client-streaming methods answered with
 * {@code google.protobuf.Empty} and a unary one:
 * <ul>
 *   <li>{@code etcdj.raft.Peer/Stream}: long-lived, carries {@code etcdj.raftpb.Message}s (never
 *       MsgSnap), answered only when the sender half-closes;</li>
 *   <li>{@code etcdj.raft.Peer/Snapshot}: one call per snapshot; {@code google.protobuf.BytesValue}s,
 *       the first holding the encoded MsgSnap, the rest the snapshot data in chunks of at most
 *       {@value #SNAPSHOT_CHUNK_BYTES} bytes, {@link #SNAPSHOT_SIZE} bytes in all; answered OK only
 *       once the receiver's handler took the whole snapshot.</li>
 *   <li>{@code etcdj.raft.Peer/Call}: one request of the servers to each other, the method named in
 *       the {@link #CALL_METHOD} header (UTF-8), a {@code google.protobuf.BytesValue} each way of
 *       at most {@value #MAX_CALL_BYTES} bytes; the receiver's {@code serve} failing closes it with
 *       UNKNOWN and the error's text. A call without identity headers at all is taken from anyone
 *       (a member joining a cluster knows neither its ID nor the cluster's yet, as etcd's open
 *       {@code GET /members}); with them it is checked like the other methods.</li>
 * </ul>
 * The sender names its cluster and itself in the call's headers (hexadecimal IDs, as etcd's
 * {@code X-Etcd-Cluster-ID} and {@code X-Server-From}); the receiver sends its response headers
 * once it accepted the call, so a sender can tell an accepted call from a refused one. Refusals:
 * FAILED_PRECONDITION "cluster ID mismatch" (etcd: HTTP 412), and {@link #memberRemoved()}
 * (etcd: HTTP 410) for a sender the receiver knows was removed from the cluster.
 *
 * <p>Hand-written rather than generated because the protos live in the api module.
 */
final class PeerStreamProtocol {
    static final String SERVICE = "etcdj.raft.Peer";
    /**
     * Largest gRPC message accepted inbound and sent outbound. The core bounds appends at about
     * 1 MiB per message, but one entry may be bigger (up to --max-request-bytes plus envelope).
     */
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** Snapshot data per gRPC message. */
    static final int SNAPSHOT_CHUNK_BYTES = 1024 * 1024;
    /** Largest request and answer of {@link #CALL}. */
    static final int MAX_CALL_BYTES = 16 * 1024 * 1024;
    /** etcd's text for a refused removed member (rafthttp errMemberRemoved). */
    static final String MEMBER_REMOVED = "the member has been permanently removed from the cluster";

    static final MethodDescriptor<Message, Empty> STREAM = MethodDescriptor.<Message, Empty>newBuilder()
            .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Stream"))
            .setRequestMarshaller(ProtoUtils.marshaller(Message.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
            .build();

    static final MethodDescriptor<BytesValue, Empty> SNAPSHOT = MethodDescriptor.<BytesValue, Empty>newBuilder()
            .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Snapshot"))
            .setRequestMarshaller(ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
            .build();

    static final MethodDescriptor<BytesValue, BytesValue> CALL = MethodDescriptor.<BytesValue, BytesValue>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Call"))
            .setRequestMarshaller(ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
            .build();

    static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("etcdj-cluster-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> SENDER_ID = Metadata.Key.of("etcdj-sender-id", Metadata.ASCII_STRING_MARSHALLER);
    /** The server method a {@link #CALL} is for, UTF-8. */
    static final Metadata.Key<byte[]> CALL_METHOD = Metadata.Key.of("etcdj-call-method-bin", Metadata.BINARY_BYTE_MARSHALLER);
    /** Decimal byte count of the snapshot data that follows the MsgSnap. */
    static final Metadata.Key<String> SNAPSHOT_SIZE = Metadata.Key.of("etcdj-snapshot-size", Metadata.ASCII_STRING_MARSHALLER);

    private PeerStreamProtocol() {}

    static Metadata senderHeaders(long clusterId, long senderId) {
        Metadata headers = new Metadata();
        headers.put(CLUSTER_ID, Long.toHexString(clusterId));
        headers.put(SENDER_ID, Long.toHexString(senderId));
        return headers;
    }

    /** Parses a hexadecimal ID header; null when absent or malformed. */
    static Long parseId(String hex) {
        if (hex == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The status a receiver closes a call with when its sender was removed from the cluster. */
    static Status memberRemoved() {
        return Status.PERMISSION_DENIED.withDescription(MEMBER_REMOVED);
    }

    static boolean isMemberRemoved(Status status) {
        return status.getCode() == Status.Code.PERMISSION_DENIED && MEMBER_REMOVED.equals(status.getDescription());
    }
}
