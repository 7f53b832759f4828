package io.etcdj.transport.grpc.peer;

import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

/**
 * The server side of {@link PeerStreamProtocol#STREAM}: refuses streams from another cluster
 * (FAILED_PRECONDITION "cluster ID mismatch", etcd's rule), then hands every message addressed to
 * this member to the handler, one at a time per stream, and drops (and logs) messages for another
 * member ID.
 *
 * <p>Messages are requested one by one after the handler returns, so a receiver that falls behind
 * pushes back on the sender through HTTP/2 flow control instead of buffering.
 */
final class PeerStreamReceiver implements ServerCallHandler<Message, Empty> {
    private static final System.Logger LOG = System.getLogger(PeerStreamReceiver.class.getName());

    private final long localMemberId;
    private final long clusterId;
    private final PeerTransportConfig.Handler handler;

    PeerStreamReceiver(long localMemberId, long clusterId, PeerTransportConfig.Handler handler) {
        this.localMemberId = localMemberId;
        this.clusterId = clusterId;
        this.handler = handler;
    }

    ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(PeerStreamProtocol.SERVICE)
                .addMethod(PeerStreamProtocol.STREAM, this)
                .build();
    }

    @Override
    public ServerCall.Listener<Message> startCall(ServerCall<Message, Empty> call, Metadata headers) {
        Long remoteCluster = PeerStreamProtocol.parseId(headers.get(PeerStreamProtocol.CLUSTER_ID));
        Long sender = PeerStreamProtocol.parseId(headers.get(PeerStreamProtocol.SENDER_ID));
        if (remoteCluster == null || sender == null) {
            call.close(Status.FAILED_PRECONDITION.withDescription(
                    "peer stream without valid " + PeerStreamProtocol.CLUSTER_ID.name() + " and "
                            + PeerStreamProtocol.SENDER_ID.name() + " headers"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (remoteCluster != clusterId) {
            LOG.log(System.Logger.Level.ERROR, "refused stream from member {0}: cluster ID mismatch (got {1} want {2})",
                    Long.toHexString(sender), Long.toHexString(remoteCluster), Long.toHexString(clusterId));
            call.close(Status.FAILED_PRECONDITION.withDescription(String.format(
                    "cluster ID mismatch: member %x is in cluster %x, the sender (member %x) in cluster %x",
                    localMemberId, clusterId, sender, remoteCluster)), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        // Accepted: the headers tell the sender so before any message flows.
        call.sendHeaders(new Metadata());
        call.request(1);
        return new Listener(call, sender);
    }

    private final class Listener extends ServerCall.Listener<Message> {
        private final ServerCall<Message, Empty> call;
        private final long sender;

        Listener(ServerCall<Message, Empty> call, long sender) {
            this.call = call;
            this.sender = sender;
        }

        @Override
        public void onMessage(Message message) {
            if (message.getTo() != localMemberId) {
                LOG.log(System.Logger.Level.WARNING, "dropped {0} from member {1} addressed to member {2}, not to this member {3}",
                        message.getType(), Long.toHexString(sender), Long.toHexString(message.getTo()),
                        Long.toHexString(localMemberId));
            } else {
                try {
                    handler.receive(message);
                } catch (RuntimeException e) {
                    // One failing message must not end the stream (and with it the messages queued behind it).
                    LOG.log(System.Logger.Level.ERROR, "the handler failed on a message from member " + Long.toHexString(sender), e);
                }
            }
            call.request(1);
        }

        @Override
        public void onHalfClose() {
            call.sendMessage(Empty.getDefaultInstance());
            call.close(Status.OK, new Metadata());
        }
    }
}
