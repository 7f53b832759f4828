package io.etcdj.transport.grpc.peer;

import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * The wire contract between etcdj peers over gRPC: one client-streaming method
 * {@code etcdj.raft.Peer/Stream} carrying {@code etcdj.raftpb.Message}s, answered with
 * {@code google.protobuf.Empty} only when the sender half-closes. The sender names its cluster and
 * itself in the call's headers (hexadecimal IDs, as etcd's {@code X-Etcd-Cluster-ID} and
 * {@code X-Server-From}); the receiver sends its response headers once it accepted the stream, so a
 * sender can tell an accepted stream from a refused one.
 *
 * <p>Hand-written rather than generated because the protos live in the api module.
 */
final class PeerStreamProtocol {
    static final String SERVICE = "etcdj.raft.Peer";
    /** Largest message accepted inbound and sent outbound (a MsgSnap carries the whole snapshot). */
    static final int MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

    static final MethodDescriptor<Message, Empty> STREAM = MethodDescriptor.<Message, Empty>newBuilder()
            .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Stream"))
            .setRequestMarshaller(ProtoUtils.marshaller(Message.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
            .build();

    static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("etcdj-cluster-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> SENDER_ID = Metadata.Key.of("etcdj-sender-id", Metadata.ASCII_STRING_MARSHALLER);

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
}
