package io.etcdj.spi.transport;

import io.etcdj.api.raftpb.Message;
import java.net.URI;
import java.util.List;

/**
 * @param localMemberId  this member's ID (messages for other IDs are refused)
 * @param clusterId      refuses peers of another cluster
 * @param listenUrls     {@code --listen-peer-urls}
 * @param handler        receives inbound messages and delivery failures
 */
public record PeerTransportConfig(long localMemberId, long clusterId, List<URI> listenUrls, Handler handler) {
    public PeerTransportConfig {
        listenUrls = List.copyOf(listenUrls);
    }

    /** Callbacks into the server's Raft loop; they must not block. */
    public interface Handler {
        void receive(Message message);

        /** A message could not be delivered; Raft marks the peer unreachable. */
        void unreachable(long memberId);
    }
}
