package io.etcdj.spi.transport;

import io.etcdj.api.raftpb.Message;
import java.io.IOException;
import java.io.InputStream;
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

    /** Callbacks into the server's Raft loop; all but {@link #receiveSnapshot} must not block. */
    public interface Handler {
        void receive(Message message);

        /** A message could not be delivered; Raft marks the peer unreachable. */
        void unreachable(long memberId);

        /**
         * A {@code MsgSnap} and its data. Called on a transport thread, which it may block while it
         * reads {@code data} to the end ({@code size} bytes) and makes it durable; returning normally
         * tells the sender it was delivered, throwing tells it the transfer failed.
         */
        void receiveSnapshot(Message message, InputStream data, long size) throws IOException;

        /** The outcome of {@link PeerTransport#sendSnapshot} to {@code memberId}. */
        void snapshotStatus(long memberId, boolean delivered);

        /**
         * True when {@code memberId} was removed from the cluster: its messages are refused with
         * etcd's "the member has been permanently removed from the cluster" (HTTP 410 in etcd's
         * peer protocol), so that it learns it was removed.
         */
        boolean isRemoved(long memberId);

        /** A peer refused this member's messages because this member was removed from the cluster. */
        void removedFromCluster();

        /**
         * Answers a {@link PeerTransport#call} (or {@link PeerTransportProvider#call}) from a peer, on
         * a transport thread that it may block up to a few seconds. Errors are encoded in the answer
         * by the server; an exception means the server cannot answer at all.
         */
        default byte[] serve(String method, byte[] request) throws IOException {
            throw new IOException("etcdj: no handler for peer request " + method);
        }
    }
}
