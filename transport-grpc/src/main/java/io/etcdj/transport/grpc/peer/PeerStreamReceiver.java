package io.etcdj.transport.grpc.peer;

import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;

/**
 * The server side of {@link PeerStreamProtocol#STREAM}: refuses calls {@link PeerAdmission} refuses,
 * then hands every message addressed to this member to the handler, one at a time per stream, and
 * drops (and logs) messages for another member ID and MsgSnap (which has a method of its own). A
 * sender removed from the cluster while its stream is open has the stream closed with
 * {@link PeerStreamProtocol#memberRemoved()} at its next message.
 *
 * <p>Messages are requested one by one after the handler returns, so a receiver that falls behind
 * pushes back on the sender through HTTP/2 flow control instead of buffering.
 */
final class PeerStreamReceiver implements ServerCallHandler<Message, Empty> {
    private static final System.Logger LOG = System.getLogger(PeerStreamReceiver.class.getName());

    private final long localMemberId;
    private final PeerAdmission admission;
    private final PeerTransportConfig.Handler handler;

    PeerStreamReceiver(long localMemberId, PeerAdmission admission, PeerTransportConfig.Handler handler) {
        this.localMemberId = localMemberId;
        this.admission = admission;
        this.handler = handler;
    }

    @Override
    public ServerCall.Listener<Message> startCall(ServerCall<Message, Empty> call, Metadata headers) {
        PeerAdmission.Verdict verdict = admission.check(headers);
        if (!verdict.accepted()) {
            call.close(verdict.refusal(), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        // Accepted: the headers tell the sender so before any message flows.
        call.sendHeaders(new Metadata());
        call.request(1);
        return new Listener(call, verdict.sender());
    }

    /** Callbacks for one call come one at a time (gRPC serializes them), so no locking here. */
    private final class Listener extends ServerCall.Listener<Message> {
        private final ServerCall<Message, Empty> call;
        private final long sender;
        private boolean closed;

        Listener(ServerCall<Message, Empty> call, long sender) {
            this.call = call;
            this.sender = sender;
        }

        @Override
        public void onMessage(Message message) {
            if (closed) {
                return;
            }
            if (admission.isRemoved(sender)) {
                closed = true;
                call.close(PeerStreamProtocol.memberRemoved(), new Metadata());
                return;
            }
            if (message.getTo() != localMemberId) {
                LOG.log(System.Logger.Level.WARNING, "dropped {0} from member {1} addressed to member {2}, not to this member {3}",
                        message.getType(), Long.toHexString(sender), Long.toHexString(message.getTo()),
                        Long.toHexString(localMemberId));
            } else if (message.getType() == MessageType.MsgSnap) {
                LOG.log(System.Logger.Level.WARNING, "dropped MsgSnap from member {0} sent on the message stream",
                        Long.toHexString(sender));
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
            if (!closed) {
                closed = true;
                call.sendMessage(Empty.getDefaultInstance());
                call.close(Status.OK, new Metadata());
            }
        }
    }
}
