package io.etcdj.transport.grpc.peer;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.io.IOException;

/**
 * The server side of {@link PeerStreamProtocol#SNAPSHOT}: after {@link PeerAdmission}, takes the
 * MsgSnap (which must be addressed to this member), then runs the handler's
 * {@code receiveSnapshot} on a thread of its own (it may block for as long as the data takes)
 * with the data as a {@link SnapshotDataStream}, and answers OK once it returned, or INTERNAL with
 * its error. A transfer cut short (sender gone, transport closing) makes the handler's reads fail.
 */
final class SnapshotReceiver implements ServerCallHandler<BytesValue, Empty> {
    private static final System.Logger LOG = System.getLogger(SnapshotReceiver.class.getName());

    private final long localMemberId;
    private final PeerAdmission admission;
    private final PeerTransportConfig.Handler handler;
    private final OwnedThreads threads;

    SnapshotReceiver(long localMemberId, PeerAdmission admission, PeerTransportConfig.Handler handler, OwnedThreads threads) {
        this.localMemberId = localMemberId;
        this.admission = admission;
        this.handler = handler;
        this.threads = threads;
    }

    @Override
    public ServerCall.Listener<BytesValue> startCall(ServerCall<BytesValue, Empty> call, Metadata headers) {
        PeerAdmission.Verdict verdict = admission.check(headers);
        long size = parseSize(headers.get(PeerStreamProtocol.SNAPSHOT_SIZE));
        Status refusal = verdict.refusal();
        if (refusal == null && size < 0) {
            refusal = Status.INVALID_ARGUMENT.withDescription("snapshot call without a valid "
                    + PeerStreamProtocol.SNAPSHOT_SIZE.name() + " header");
        }
        if (refusal != null) {
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Transfer transfer = new Transfer(call, verdict.sender(), size);
        call.sendHeaders(new Metadata());
        call.request(1);
        return transfer;
    }

    private static long parseSize(String decimal) {
        if (decimal == null) {
            return -1;
        }
        try {
            return Long.parseLong(decimal);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One snapshot. gRPC's callbacks come one at a time, but the handler's thread also uses the
     * call (to request chunks and to answer), so every use of the call holds this object's lock.
     */
    private final class Transfer extends ServerCall.Listener<BytesValue> {
        private final ServerCall<BytesValue, Empty> call;
        private final long sender;
        private final long size;
        private SnapshotDataStream data;
        private boolean closed;

        Transfer(ServerCall<BytesValue, Empty> call, long sender, long size) {
            this.call = call;
            this.sender = sender;
            this.size = size;
        }

        @Override
        public void onMessage(BytesValue value) {
            if (data != null) {
                data.offer(value.getValue());
                return;
            }
            Message message;
            try {
                message = Message.parseFrom(value.getValue());
            } catch (InvalidProtocolBufferException e) {
                close(Status.INVALID_ARGUMENT.withDescription("failed to decode raft message (" + e.getMessage() + ")"));
                return;
            }
            if (message.getType() != MessageType.MsgSnap || message.getTo() != localMemberId) {
                close(Status.INVALID_ARGUMENT.withDescription(String.format(
                        "wrong raft message on the snapshot call: %s to member %x, this member is %x",
                        message.getType(), message.getTo(), localMemberId)));
                return;
            }
            data = new SnapshotDataStream(size, () -> request(1));
            String name = "etcdj-peer-recv-snap-" + Long.toHexString(sender);
            Message snapshot = message;
            threads.newThread(name, () -> receive(snapshot)).start();
            request(SnapshotDataStream.WINDOW_CHUNKS);
        }

        private void receive(Message message) {
            LOG.log(System.Logger.Level.INFO, "receiving database snapshot [index: {0}, from: {1}, size: {2} bytes]",
                    message.getSnapshot().getMetadata().getIndex(), Long.toHexString(sender), size);
            try (SnapshotDataStream in = data) {
                handler.receiveSnapshot(message, in, size);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "failed to receive the snapshot from member " + Long.toHexString(sender), e);
                close(Status.INTERNAL.withDescription("failed to save KV snapshot (" + e.getMessage() + ")"));
                return;
            }
            LOG.log(System.Logger.Level.INFO, "received and saved database snapshot [index: {0}, from: {1}]",
                    message.getSnapshot().getMetadata().getIndex(), Long.toHexString(sender));
            synchronized (this) {
                if (!closed) {
                    call.sendMessage(Empty.getDefaultInstance());
                }
            }
            close(Status.OK);
        }

        @Override
        public void onHalfClose() {
            if (data != null) {
                data.end();
            } else {
                close(Status.INVALID_ARGUMENT.withDescription("snapshot call without a raft message"));
            }
        }

        @Override
        public void onCancel() {
            synchronized (this) {
                closed = true;
            }
            if (data != null) {
                data.fail(new IOException("the snapshot transfer from member " + Long.toHexString(sender) + " was cut short"));
            }
        }

        private synchronized void request(int n) {
            if (!closed) {
                call.request(n);
            }
        }

        private synchronized void close(Status status) {
            if (!closed) {
                closed = true;
                call.close(status, new Metadata());
            }
        }
    }
}
