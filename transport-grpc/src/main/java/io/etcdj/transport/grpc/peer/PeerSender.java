package io.etcdj.transport.grpc.peer;

import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Everything that sends to one peer: a gRPC channel per peer URL, made when first needed, and two
 * {@link SendLane}s sharing them: one for snapshots (MsgSnap may be hundreds of MiB) and one for
 * everything else, so that a snapshot in flight does not hold up the heartbeats and appends behind
 * it (etcd also sends snapshots apart from the message stream). Order is kept within each lane only.
 *
 * <p>Streams go to the current URL; a stream refused or failing before the peer accepted it moves
 * the peer on to its next URL, round robin.
 */
final class PeerSender {
    /** Messages other than MsgSnap queued per peer; beyond this sends are dropped as unreachable. */
    static final int MAX_QUEUED_MESSAGES = 4096;
    /** Bytes queued per peer (other than MsgSnap); a single larger message is still taken into an empty queue. */
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    /** Raft has at most one snapshot pending per follower; a second one while one is queued is dropped. */
    static final int MAX_QUEUED_SNAPSHOTS = 1;

    private static final System.Logger LOG = System.getLogger(PeerSender.class.getName());

    private final long memberId;
    private final List<URI> urls;
    private final Executor callbacks;
    private final ManagedChannel[] channels;
    private int current;
    private boolean closed;
    private final SendLane messages;
    private final SendLane snapshots;

    PeerSender(long memberId, List<URI> urls, long clusterId, long localMemberId, Executor callbacks,
               OwnedThreads threads, UnreachableReporter unreachable) {
        this.memberId = memberId;
        this.urls = List.copyOf(urls);
        this.callbacks = callbacks;
        this.channels = new ManagedChannel[this.urls.size()];
        String id = Long.toHexString(memberId);
        this.messages = new SendLane(this, "message", clusterId, localMemberId, MAX_QUEUED_MESSAGES, MAX_QUEUED_BYTES, unreachable);
        this.snapshots = new SendLane(this, "snapshot", clusterId, localMemberId, MAX_QUEUED_SNAPSHOTS, 0, unreachable);
        messages.start(threads.newThread("etcdj-peer-send-" + id + "-msg", messages));
        snapshots.start(threads.newThread("etcdj-peer-send-" + id + "-snap", snapshots));
    }

    long memberId() {
        return memberId;
    }

    List<URI> urls() {
        return urls;
    }

    /** Queues the message on its lane; false if it must be dropped (queue full, peer unreachable, closed). */
    boolean offer(Message message, int size) {
        return (message.getType() == MessageType.MsgSnap ? snapshots : messages).offer(message, size);
    }

    /** The channel to the current URL, made on first use. */
    synchronized ManagedChannel channel() throws IOException {
        if (closed) {
            throw new IOException("sender to member " + Long.toHexString(memberId) + " is closed");
        }
        if (channels.length == 0) {
            throw new IOException("member " + Long.toHexString(memberId) + " has no peer URLs");
        }
        ManagedChannel channel = channels[current];
        if (channel == null) {
            channel = open(urls.get(current));
            channels[current] = channel;
        }
        return channel;
    }

    /** A stream on {@code channel} failed before the peer accepted it: try the next URL next time. */
    synchronized void failedOn(ManagedChannel channel) {
        if (channels.length > 1 && channels[current] == channel) {
            current = (current + 1) % channels.length;
            LOG.log(System.Logger.Level.DEBUG, "member {0}: trying peer URL {1} next", Long.toHexString(memberId), urls.get(current));
        }
    }

    private ManagedChannel open(URI url) throws IOException {
        if (!"http".equals(url.getScheme())) {
            // TODO(TLS not built yet): https peer URLs need the security provider's client context.
            throw new IOException("peer URL scheme " + url.getScheme() + " is not supported yet: " + url);
        }
        if (url.getHost() == null || url.getPort() < 0) {
            throw new IOException("peer URL does not have the form \"http://host:port\": " + url);
        }
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort())
                .usePlaintext()
                .executor(callbacks)
                // Retries would buffer whole client streams (and snapshots) in memory; Raft resends instead.
                .disableRetry()
                // Finds a peer that vanished without closing its connections.
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .build();
    }

    /**
     * Stops both lanes and the channels without waiting (removePeer may come from the Raft loop);
     * returns the channels, for a caller that wants to await their termination.
     */
    List<ManagedChannel> close() {
        messages.close();
        snapshots.close();
        List<ManagedChannel> open = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (int i = 0; i < channels.length; i++) {
                if (channels[i] != null) {
                    open.add(channels[i]);
                    channels[i] = null;
                }
            }
        }
        open.forEach(ManagedChannel::shutdownNow);
        return open;
    }
}
