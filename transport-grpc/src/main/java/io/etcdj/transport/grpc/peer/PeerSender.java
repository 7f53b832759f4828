package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.SnapshotOutcome;
import io.etcdj.spi.transport.peer.UnreachableReporter;
import io.etcdj.api.raftpb.Message;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Everything that sends to one peer: a gRPC channel per peer URL, made when first needed, shared
 * by a {@link SendLane} for messages and a {@link SnapshotTransfer} per snapshot, so that a
 * snapshot in flight does not hold up the heartbeats and appends behind it (etcd also sends
 * snapshots apart from the message stream). At most one snapshot is in flight per peer (Raft
 * sends a follower one snapshot at a time); another one meanwhile fails at once.
 *
 * <p>Calls go to the current URL; a call refused or failing before the peer accepted it moves
 * the peer on to its next URL, round robin.
 */
final class PeerSender {
    /** Messages queued per peer; beyond this sends are dropped as unreachable. */
    static final int MAX_QUEUED_MESSAGES = 4096;
    /** Bytes queued per peer; a single larger message is still taken into an empty queue. */
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(PeerSender.class.getName());

    private final long memberId;
    private final List<URI> urls;
    private final long clusterId;
    private final long localMemberId;
    private final Executor callbacks;
    private final OwnedThreads threads;
    private final RemovalReporter removal;
    private final ManagedChannel[] channels;
    private final SendLane messages;
    /** Guarded by this. */
    private int current;
    private boolean closed;
    private SnapshotTransfer snapshotInFlight;

    PeerSender(long memberId, List<URI> urls, long clusterId, long localMemberId, Executor callbacks,
               OwnedThreads threads, UnreachableReporter unreachable, RemovalReporter removal) {
        this.memberId = memberId;
        this.urls = List.copyOf(urls);
        this.clusterId = clusterId;
        this.localMemberId = localMemberId;
        this.callbacks = callbacks;
        this.threads = threads;
        this.removal = removal;
        this.channels = new ManagedChannel[this.urls.size()];
        this.messages = new SendLane(this, clusterId, localMemberId, MAX_QUEUED_MESSAGES, MAX_QUEUED_BYTES, unreachable, removal);
        messages.start(threads.newThread("etcdj-peer-send-" + Long.toHexString(memberId), messages));
    }

    long memberId() {
        return memberId;
    }

    List<URI> urls() {
        return urls;
    }

    /** Queues the message; false if it must be dropped (queue full, peer unreachable, closed). */
    boolean offer(Message message, int size) {
        return messages.offer(message, size);
    }

    /** Starts sending the snapshot on a thread of its own, or reports it failed if one is in flight. */
    void sendSnapshot(Message message, SnapshotOutcome outcome) {
        SnapshotTransfer transfer;
        synchronized (this) {
            if (closed || snapshotInFlight != null) {
                transfer = null;
            } else {
                transfer = new SnapshotTransfer(this, message, outcome, clusterId, localMemberId, removal);
                snapshotInFlight = transfer;
            }
        }
        if (transfer == null) {
            LOG.log(System.Logger.Level.WARNING, "dropped a snapshot for member {0}: {1}", Long.toHexString(memberId),
                    closed ? "its sender is closed" : "another snapshot to it is in flight");
            outcome.report(false);
            return;
        }
        threads.newThread("etcdj-peer-send-snap-" + Long.toHexString(memberId), transfer).start();
    }

    synchronized void transferEnded(SnapshotTransfer transfer) {
        if (snapshotInFlight == transfer) {
            snapshotInFlight = null;
        }
    }

    /**
     * Sends a request to the peer's server (see {@link PeerCall}) on the shared channel, failing
     * after {@code timeout}. A removal refusal goes to the {@link RemovalReporter}; a call that
     * could not reach the peer moves it on to its next URL.
     */
    CompletableFuture<byte[]> call(String method, byte[] request, Duration timeout) {
        ManagedChannel channel;
        try {
            channel = channel();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return PeerCall.start(channel, method, request, PeerStreamProtocol.senderHeaders(clusterId, localMemberId), timeout,
                (status, accepted) -> {
                    if (PeerStreamProtocol.isMemberRemoved(status)) {
                        removal.refusedBy(memberId);
                    } else if (!accepted && status.getCode() == Status.Code.UNAVAILABLE) {
                        failedOn(channel);
                    }
                });
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

    /** A call on {@code channel} failed before the peer accepted it: try the next URL next time. */
    synchronized void failedOn(ManagedChannel channel) {
        if (channels.length > 1 && channels[current] == channel) {
            current = (current + 1) % channels.length;
            LOG.log(System.Logger.Level.DEBUG, "member {0}: trying peer URL {1} next", Long.toHexString(memberId), urls.get(current));
        }
    }

    private ManagedChannel open(URI url) throws IOException {
        return channelBuilder(url)
                .executor(callbacks)
                // Retries would buffer whole client streams in memory; Raft resends instead.
                .disableRetry()
                // Finds a peer that vanished without closing its connections (also mid-snapshot).
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .build();
    }

    /** A plaintext channel to {@code url}, which must be {@code http://host:port}. */
    static NettyChannelBuilder channelBuilder(URI url) throws IOException {
        if (!"http".equals(url.getScheme())) {
            // TODO(TLS not built yet): https peer URLs need the security provider's client context.
            throw new IOException("peer URL scheme " + url.getScheme() + " is not supported yet: " + url);
        }
        if (url.getHost() == null || url.getPort() < 0) {
            throw new IOException("peer URL does not have the form \"http://host:port\": " + url);
        }
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext();
    }

    /**
     * Stops the lane, the snapshot in flight (reported as not delivered) and the channels without
     * waiting (removePeer may come from the Raft loop); returns the channels, for a caller that
     * wants to await their termination.
     */
    List<ManagedChannel> close() {
        messages.close();
        List<ManagedChannel> open = new ArrayList<>();
        SnapshotTransfer transfer;
        synchronized (this) {
            closed = true;
            transfer = snapshotInFlight;
            for (int i = 0; i < channels.length; i++) {
                if (channels[i] != null) {
                    open.add(channels[i]);
                    channels[i] = null;
                }
            }
        }
        if (transfer != null) {
            transfer.cancel();
        }
        open.forEach(ManagedChannel::shutdownNow);
        return open;
    }
}
