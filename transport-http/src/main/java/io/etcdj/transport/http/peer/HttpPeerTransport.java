package io.etcdj.transport.http.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.SnapshotOutcome;
import io.etcdj.spi.transport.peer.UnreachableReporter;
import com.sun.net.httpserver.HttpServer;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.SnapshotPayload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Raft messages over HTTP/1.1 ({@link PeerHttpProtocol}): a {@code jdk.httpserver} server on every
 * listen URL, and a {@link PeerEndpoint} per added peer sending with one {@code java.net.http}
 * client. Nothing binds or starts before {@link #start()}; peers added earlier get their
 * endpoints then. Every thread is virtual, named {@code etcdj-peer-http-*}, besides the JDK's own
 * ({@code HTTP-Dispatcher}, {@code HttpClient-*-SelectorManager}), all ended by {@link #close()}.
 *
 * <p>{@link #send} only queues (see {@link MessageLane} for the bounds) and reports the destination
 * unreachable, at most every 100 ms per member, when it drops a message: unknown member, queue
 * full, peer unreachable or backing off, message over {@value PeerHttpProtocol#MAX_MESSAGE_BYTES}
 * bytes, MsgSnap (which goes through {@link #sendSnapshot}), transport not started or closed.
 * {@link #sendSnapshot} starts a transfer on a thread of its own and returns. {@link #call} fails at
 * once for an unknown member (or before start, after close), and otherwise after
 * {@link #CALL_TIMEOUT} at the latest. The handler is called from a thread per inbound request,
 * concurrently for different senders.
 */
final class HttpPeerTransport implements PeerTransport {
    /** How long connecting to a peer may take: etcd's 1 s dial timeout plus its default election timeout. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Longest wait for the whole answer to a {@link #call}: the server's forwarded requests give up sooner. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(HttpPeerTransport.class.getName());

    private final PeerTransportConfig config;
    private final UnreachableReporter unreachable;
    private final RemovalReporter removal;
    private final TransportThreads threads = new TransportThreads();
    /** Guarded by this: the peers' URLs, whether or not started. */
    private final Map<Long, List<URI>> peerUrls = new HashMap<>();
    private final ConcurrentHashMap<Long, PeerEndpoint> endpoints = new ConcurrentHashMap<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private ExecutorService serverExecutor;
    private ExecutorService clientExecutor;
    private HttpClient client;
    private boolean started;
    private boolean closed;

    HttpPeerTransport(PeerTransportConfig config) {
        this.config = config;
        this.unreachable = new UnreachableReporter(config.handler());
        this.removal = new RemovalReporter(config.handler());
    }

    @Override
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "peer transport closed" : "peer transport already started");
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (URI url : config.listenUrls()) {
            if (!"http".equals(url.getScheme())) {
                // TODO(TLS not built yet): serve https once the security provider supplies a server context.
                throw new IOException("etcdj: peer URL scheme " + url.getScheme() + " is not supported yet: " + url);
            }
            addresses.add(socketAddress(url));
        }
        serverExecutor = Executors.newThreadPerTaskExecutor(threads.factory("recv"));
        clientExecutor = Executors.newThreadPerTaskExecutor(threads.factory("client"));
        PeerRequestCheck check = new PeerRequestCheck(config.localMemberId(), config.clusterId(), config.handler());
        MessagesEndpoint messages = new MessagesEndpoint(config.localMemberId(), check, config.handler());
        SnapshotEndpoint snapshots = new SnapshotEndpoint(config.localMemberId(), check, config.handler());
        CallEndpoint calls = new CallEndpoint(check, config.handler());
        try {
            for (int i = 0; i < addresses.size(); i++) {
                HttpServer server = HttpServer.create(addresses.get(i), 0);
                servers.add(server);
                server.createContext(PeerHttpProtocol.MESSAGES_PATH, messages);
                server.createContext(PeerHttpProtocol.SNAPSHOT_PATH, snapshots);
                server.createContext(PeerHttpProtocol.CALL_PATH, calls);
                server.setExecutor(serverExecutor);
                server.start();
                LOG.log(System.Logger.Level.INFO, "serving peer traffic insecurely on {0}", config.listenUrls().get(i).getAuthority());
            }
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(clientExecutor)
                    .build();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io
                    : new IOException("cannot serve peer traffic on " + config.listenUrls() + ": " + e.getMessage(), e);
        }
        started = true;
        peerUrls.forEach(this::startEndpoint);
    }

    private static InetSocketAddress socketAddress(URI url) throws IOException {
        if (url.getHost() == null || url.getPort() < 0) {
            throw new IOException("peer URL does not have the form \"http://host:port\": " + url);
        }
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve host of " + url);
        }
        return address;
    }

    /** Adds the peer, or replaces its URLs (its queue is dropped, a snapshot in flight fails); ignored after close. */
    @Override
    public synchronized void addPeer(long memberId, List<URI> urls) {
        if (closed) {
            return;
        }
        List<URI> copy = List.copyOf(urls);
        if (copy.equals(peerUrls.get(memberId))) {
            return;
        }
        peerUrls.put(memberId, copy);
        if (started) {
            stopEndpoint(memberId);
            startEndpoint(memberId, copy);
        }
    }

    /** The same as {@link #addPeer}. */
    @Override
    public void updatePeer(long memberId, List<URI> urls) {
        addPeer(memberId, urls);
    }

    @Override
    public synchronized void removePeer(long memberId) {
        peerUrls.remove(memberId);
        stopEndpoint(memberId);
        unreachable.forget(memberId);
    }

    private void startEndpoint(long memberId, List<URI> urls) {
        endpoints.put(memberId, new PeerEndpoint(memberId, urls, config.clusterId(), config.localMemberId(), client,
                threads, unreachable, removal));
    }

    private void stopEndpoint(long memberId) {
        PeerEndpoint old = endpoints.remove(memberId);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public void send(Message message) {
        long to = message.getTo();
        PeerEndpoint endpoint = endpoints.get(to);
        if (endpoint == null) {
            unreachable.report(to);
            return;
        }
        if (message.getType() == MessageType.MsgSnap) {
            LOG.log(System.Logger.Level.ERROR, "dropped MsgSnap to member {0}: snapshots go through sendSnapshot",
                    Long.toHexString(to));
            unreachable.report(to);
            return;
        }
        int size = message.getSerializedSize();
        if (size > PeerHttpProtocol.MAX_MESSAGE_BYTES) {
            LOG.log(System.Logger.Level.ERROR, "dropped {0} to member {1}: {2} bytes, over the limit of {3}",
                    message.getType(), Long.toHexString(to), size, PeerHttpProtocol.MAX_MESSAGE_BYTES);
            unreachable.report(to);
            return;
        }
        if (!endpoint.offer(message, size)) {
            unreachable.report(to);
        }
    }

    @Override
    public void sendSnapshot(Message message, SnapshotPayload payload) {
        SnapshotOutcome outcome = new SnapshotOutcome(message.getTo(), payload, config.handler());
        PeerEndpoint endpoint = endpoints.get(message.getTo());
        int size = message.getSerializedSize();
        if (endpoint == null || size > PeerHttpProtocol.MAX_MESSAGE_BYTES) {
            LOG.log(System.Logger.Level.WARNING, "dropped a snapshot for member {0}: {1}", Long.toHexString(message.getTo()),
                    endpoint == null ? "unknown member, or transport not started or closed" : "MsgSnap of " + size + " bytes");
            outcome.report(false);
            return;
        }
        endpoint.sendSnapshot(message, outcome);
    }

    @Override
    public CompletableFuture<byte[]> call(long memberId, String method, byte[] request) {
        PeerEndpoint endpoint = endpoints.get(memberId);
        if (endpoint == null) {
            return CompletableFuture.failedFuture(new IOException("cannot send peer request " + method + " to member "
                    + Long.toHexString(memberId) + ": unknown member, or transport not started or closed"));
        }
        return endpoint.call(method, request, CALL_TIMEOUT);
    }

    /**
     * Stops the endpoints, the servers (cutting inbound requests), the client, then waits (a few
     * seconds at most) for every thread; idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        started = false;
        for (Long id : List.copyOf(endpoints.keySet())) {
            stopEndpoint(id);
        }
        // stop(0) closes every connection at once; a handler blocked reading a body then fails.
        servers.forEach(server -> server.stop(0));
        if (client != null) {
            client.shutdownNow();
        }
        try {
            long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
            if (client != null) {
                client.awaitTermination(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            for (ExecutorService executor : new ExecutorService[] {serverExecutor, clientExecutor}) {
                if (executor != null) {
                    executor.shutdownNow();
                    executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
            List<Thread> alive = threads.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (!alive.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "peer transport threads still running after close: {0}", alive);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        servers.clear();
    }
}
