package io.etcdj.transport.http.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.SnapshotOutcome;
import io.etcdj.spi.transport.peer.UnreachableReporter;
import io.etcdj.api.raftpb.Message;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Everything that sends to one peer: its URLs (requests go to the current one; a connection
 * failure moves on to the next, round robin, as etcd's urlPicker), the {@link MessageLane} and
 * the snapshot in flight, if any. At most one snapshot is in flight per peer (Raft sends a
 * follower one snapshot at a time); another one meanwhile fails at once.
 */
final class PeerEndpoint {
    private static final System.Logger LOG = System.getLogger(PeerEndpoint.class.getName());

    private final long memberId;
    private final List<URI> urls;
    private final long clusterId;
    private final long localMemberId;
    private final HttpClient client;
    private final TransportThreads threads;
    private final RemovalReporter removal;
    private final MessageLane messages;
    /** Guarded by this. */
    private int current;
    private boolean closed;
    private SnapshotSender snapshotInFlight;

    PeerEndpoint(long memberId, List<URI> urls, long clusterId, long localMemberId, HttpClient client,
                 TransportThreads threads, UnreachableReporter unreachable, RemovalReporter removal) {
        this.memberId = memberId;
        this.urls = List.copyOf(urls);
        this.clusterId = clusterId;
        this.localMemberId = localMemberId;
        this.client = client;
        this.threads = threads;
        this.removal = removal;
        this.messages = new MessageLane(this, client, unreachable, removal);
        messages.start(threads.start("send-" + Long.toHexString(memberId), messages));
    }

    long memberId() {
        return memberId;
    }

    /** Queues the message; false if it must be dropped (queue full, peer unreachable, closed). */
    boolean offer(Message message, int size) {
        return messages.offer(message, size);
    }

    /** Starts sending the snapshot on a thread of its own, or reports it failed if one is in flight. */
    void sendSnapshot(Message message, SnapshotOutcome outcome) {
        SnapshotSender sender = null;
        String refusal;
        synchronized (this) {
            if (closed) {
                refusal = "its sender is closed";
            } else if (snapshotInFlight != null) {
                refusal = "another snapshot to it is in flight";
            } else {
                refusal = null;
                sender = new SnapshotSender(this, client, message, outcome, removal);
                snapshotInFlight = sender;
            }
        }
        if (sender == null) {
            LOG.log(System.Logger.Level.WARNING, "dropped a snapshot for member {0}: {1}", Long.toHexString(memberId), refusal);
            outcome.report(false);
            return;
        }
        threads.start("send-snap-" + Long.toHexString(memberId), sender);
    }

    synchronized void transferEnded(SnapshotSender sender) {
        if (snapshotInFlight == sender) {
            snapshotInFlight = null;
        }
    }

    /**
     * Sends a call to the peer's server (see {@link PeerCall}), failing after {@code timeout}. A
     * removal refusal goes to the {@link RemovalReporter}; a call that could not reach the peer
     * moves it on to its next URL.
     */
    CompletableFuture<byte[]> call(String method, byte[] request, Duration timeout) {
        if (request.length > PeerHttpProtocol.MAX_CALL_BYTES) {
            return CompletableFuture.failedFuture(new IOException("peer request " + method + " of " + request.length
                    + " bytes, over the limit of " + PeerHttpProtocol.MAX_CALL_BYTES));
        }
        HttpRequest httpRequest;
        try {
            httpRequest = PeerCall.request(request(PeerHttpProtocol.callPath(method)), request, timeout);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return PeerCall.send(client, httpRequest, method, timeout, new PeerCall.Failure() {
            @Override
            public void unreached(URI url) {
                failedOn(url);
            }

            @Override
            public void removed() {
                removal.refusedBy(memberId);
            }
        });
    }

    /** A request to {@code path} at the current URL, with this member's identity headers. */
    synchronized HttpRequest.Builder request(String path) throws IOException {
        if (closed) {
            throw new IOException("sender to member " + Long.toHexString(memberId) + " is closed");
        }
        if (urls.isEmpty()) {
            throw new IOException("member " + Long.toHexString(memberId) + " has no peer URLs");
        }
        URI url = urls.get(current);
        if (!"http".equals(url.getScheme())) {
            // TODO(TLS not built yet): https peer URLs need the security provider's client context.
            throw new IOException("peer URL scheme " + url.getScheme() + " is not supported yet: " + url);
        }
        if (url.getHost() == null || url.getPort() < 0) {
            throw new IOException("peer URL does not have the form \"http://host:port\": " + url);
        }
        return HttpRequest.newBuilder(url.resolve(path))
                .header(PeerHttpProtocol.CLUSTER_ID, PeerHttpProtocol.hex(clusterId))
                .header(PeerHttpProtocol.SERVER_FROM, PeerHttpProtocol.hex(localMemberId))
                .header(PeerHttpProtocol.RAFT_TO, PeerHttpProtocol.hex(memberId));
    }

    /** A request to {@code url} could not reach the peer: use the next URL from now on. */
    synchronized void failedOn(URI url) {
        if (urls.size() > 1 && url.getAuthority().equals(urls.get(current).getAuthority())) {
            current = (current + 1) % urls.size();
            LOG.log(System.Logger.Level.DEBUG, "member {0}: trying peer URL {1} next", Long.toHexString(memberId), urls.get(current));
        }
    }

    /**
     * Stops the lane and the snapshot in flight (reported as not delivered) without waiting:
     * removePeer may come from the Raft loop.
     */
    void close() {
        messages.close();
        SnapshotSender transfer;
        synchronized (this) {
            closed = true;
            transfer = snapshotInFlight;
        }
        if (transfer != null) {
            transfer.cancel();
        }
    }
}
