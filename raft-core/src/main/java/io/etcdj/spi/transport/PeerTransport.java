package io.etcdj.spi.transport;

import io.etcdj.api.raftpb.Message;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Delivers Raft messages to other members, best effort: Raft tolerates loss, so a message to an
 * unreachable peer is dropped (and reported through {@link PeerTransportConfig#handler()}), never
 * queued without bound.
 */
public interface PeerTransport extends AutoCloseable {
    void start() throws IOException;

    void addPeer(long memberId, List<URI> peerUrls);

    void removePeer(long memberId);

    /** Queues a message for its {@code to} member; never blocks the Raft loop. */
    void send(Message message);

    @Override
    void close();
}
