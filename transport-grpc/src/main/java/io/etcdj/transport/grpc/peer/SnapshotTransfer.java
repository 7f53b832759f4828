package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.SnapshotOutcome;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Empty;
import com.google.protobuf.UnsafeByteOperations;
import io.etcdj.api.raftpb.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends one snapshot as a {@link PeerStreamProtocol#SNAPSHOT} call, on a thread of its own: the
 * MsgSnap, then the payload read in {@value PeerStreamProtocol#SNAPSHOT_CHUNK_BYTES}-byte chunks,
 * each written only when the call is ready (HTTP/2 flow control), so at most about one chunk sits
 * in memory whatever the snapshot's size. Delivered means the receiver answered OK. Every other
 * end (refusal, the receiver's handler failing, the connection lost, {@link #cancel()}) is a
 * failure; a refusal because this member was removed is also reported as such.
 */
final class SnapshotTransfer implements Runnable {
    private static final System.Logger LOG = System.getLogger(SnapshotTransfer.class.getName());

    /** Thrown inside the transfer when the call ended, or was cancelled, before all was sent. */
    private static final class Stopped extends Exception {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private final PeerSender peer;
    private final Message message;
    private final SnapshotOutcome outcome;
    private final long clusterId;
    private final long localMemberId;
    private final RemovalReporter removal;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the call becomes ready or closes, and on cancel. */
    private final Condition changed = lock.newCondition();
    private boolean cancelled;
    private boolean accepted;
    private Status closedWith;

    SnapshotTransfer(PeerSender peer, Message message, SnapshotOutcome outcome, long clusterId, long localMemberId,
                     RemovalReporter removal) {
        this.peer = peer;
        this.message = message;
        this.outcome = outcome;
        this.clusterId = clusterId;
        this.localMemberId = localMemberId;
        this.removal = removal;
    }

    /** Stops the transfer (reported as not delivered) without waiting for its thread. */
    void cancel() {
        lock.lock();
        try {
            cancelled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        String member = Long.toHexString(peer.memberId());
        boolean delivered = false;
        ClientCall<BytesValue, Empty> call = null;
        ManagedChannel channel = null;
        try {
            channel = peer.channel();
            channel.resetConnectBackoff();
            call = channel.newCall(PeerStreamProtocol.SNAPSHOT, CallOptions.DEFAULT);
            Metadata headers = PeerStreamProtocol.senderHeaders(clusterId, localMemberId);
            long size = outcome.payload().size();
            headers.put(PeerStreamProtocol.SNAPSHOT_SIZE, Long.toString(size));
            call.start(new Listener(), headers);
            call.request(1);
            LOG.log(System.Logger.Level.INFO, "sending database snapshot [index: {0}, to: {1}, size: {2} bytes]",
                    message.getSnapshot().getMetadata().getIndex(), member, size);
            send(call, message.toByteString());
            try (InputStream in = outcome.payload().open()) {
                for (long left = size; left > 0; ) {
                    byte[] chunk = in.readNBytes((int) Math.min(PeerStreamProtocol.SNAPSHOT_CHUNK_BYTES, left));
                    if (chunk.length == 0) {
                        throw new IOException("the snapshot payload ended " + left + " bytes short of its size " + size);
                    }
                    // The array is ours alone from here on: wrapping it spares a copy of every chunk.
                    send(call, UnsafeByteOperations.unsafeWrap(chunk));
                    left -= chunk.length;
                }
            }
            call.halfClose();
            delivered = awaitClose().isOk();
        } catch (Stopped e) {
            // The call ended early or was cancelled: its status says how, below.
            delivered = closedWith() != null && closedWith().isOk();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "failed to send the snapshot to member " + member, e);
        } finally {
            Status status = closedWith();
            if (call != null && status == null) {
                call.cancel("snapshot transfer stopped", null);
            }
            if (status != null && !status.isOk()) {
                failed(channel, status);
            }
            peer.transferEnded(this);
            outcome.report(delivered);
        }
        if (delivered) {
            LOG.log(System.Logger.Level.INFO, "sent database snapshot [index: {0}, to: {1}]",
                    message.getSnapshot().getMetadata().getIndex(), member);
        }
    }

    private void failed(ManagedChannel channel, Status status) {
        String member = Long.toHexString(peer.memberId());
        if (PeerStreamProtocol.isMemberRemoved(status)) {
            removal.refusedBy(peer.memberId());
        } else if (!accepted()) {
            peer.failedOn(channel);
        }
        LOG.log(System.Logger.Level.WARNING, "member {0} did not take the snapshot: {1}", member, status);
    }

    private void send(ClientCall<BytesValue, Empty> call, com.google.protobuf.ByteString bytes) throws Stopped {
        lock.lock();
        try {
            while (true) {
                if (cancelled || closedWith != null) {
                    throw new Stopped();
                }
                if (call.isReady()) {
                    break;
                }
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        call.sendMessage(BytesValue.newBuilder().setValue(bytes).build());
    }

    private Status awaitClose() throws Stopped {
        lock.lock();
        try {
            while (closedWith == null) {
                if (cancelled) {
                    throw new Stopped();
                }
                changed.awaitUninterruptibly();
            }
            return closedWith;
        } finally {
            lock.unlock();
        }
    }

    private Status closedWith() {
        lock.lock();
        try {
            return closedWith;
        } finally {
            lock.unlock();
        }
    }

    private boolean accepted() {
        lock.lock();
        try {
            return accepted;
        } finally {
            lock.unlock();
        }
    }

    private final class Listener extends ClientCall.Listener<Empty> {
        @Override
        public void onHeaders(Metadata headers) {
            lock.lock();
            try {
                accepted = true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onReady() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            lock.lock();
            try {
                closedWith = status;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
