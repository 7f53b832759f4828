package io.etcdj.spi.transport;

import io.etcdj.api.raftpb.Message;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers Raft messages to other members, best effort: Raft tolerates loss, so a message to an
 * unreachable peer is dropped (and reported through {@link PeerTransportConfig#handler()}), never
 * queued without bound.
 */
public interface PeerTransport extends AutoCloseable {
    void start() throws IOException;

    void addPeer(long memberId, List<URI> peerUrls);

    /** Replaces the URLs of a known peer (etcd's member update); new connections use them. */
    default void updatePeer(long memberId, List<URI> peerUrls) {
        removePeer(memberId);
        addPeer(memberId, peerUrls);
    }

    void removePeer(long memberId);

    /** Queues a message for its {@code to} member; never blocks the Raft loop. Not for MsgSnap. */
    void send(Message message);

    /**
     * Sends a {@code MsgSnap} followed by its data, on a connection of its own so that heartbeats
     * and appends to the same peer are not held up behind it. Never blocks the caller; reports the
     * outcome exactly once through {@link PeerTransportConfig.Handler#snapshotStatus}, delivered
     * meaning the receiver's {@link PeerTransportConfig.Handler#receiveSnapshot} returned normally,
     * and releases the payload.
     */
    void sendSnapshot(Message message, SnapshotPayload payload);

    /**
     * A request from this server to another member's server (etcd's peer HTTP endpoints: learner
     * promotion and lease keep-alive forwarded to the leader). The bytes are the server's own
     * encoding; the transport only carries them. Completes with the answer of the peer's
     * {@link PeerTransportConfig.Handler#serve}, or fails with an IOException when the peer cannot
     * be reached.
     */
    default CompletableFuture<byte[]> call(long memberId, String method, byte[] request) {
        return CompletableFuture.failedFuture(new IOException("etcdj: this peer transport cannot forward requests"));
    }

    @Override
    void close();
}
