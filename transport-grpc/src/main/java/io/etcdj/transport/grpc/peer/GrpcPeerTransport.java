package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.SnapshotOutcome;
import io.etcdj.spi.transport.peer.UnreachableReporter;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.SnapshotPayload;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
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
 * Raft messages over gRPC: a server for {@link PeerStreamProtocol}'s two methods on every listen
 * URL, and a {@link PeerSender} per added peer. Nothing binds or starts before {@link #start()};
 * peers added earlier get their senders then.
 *
 * <p>{@link #send} only queues (see {@link PeerSender} for the bounds) and reports the destination
 * unreachable, at most every 100 ms per member, when it drops a message: unknown member, queue
 * full, stream broken or backing off, message over {@value PeerStreamProtocol#MAX_MESSAGE_BYTES}
 * bytes, MsgSnap (which goes through {@link #sendSnapshot}), transport not started or closed.
 * {@link #sendSnapshot} starts a transfer on a thread of its own and returns. {@link #call} fails at
 * once for an unknown member (or before start, after close), and otherwise after
 * {@value #CALL_TIMEOUT_SECONDS} s at the latest. The handler is called from gRPC threads,
 * concurrently for different calls, and {@code receiveSnapshot} from a thread per inbound snapshot.
 */
final class GrpcPeerTransport implements PeerTransport {
    private static final System.Logger LOG = System.getLogger(GrpcPeerTransport.class.getName());
    static final String THREAD_PREFIX = "etcdj-peer-";
    /** Longest wait for the answer to a {@link #call}: the server's forwarded requests give up sooner. */
    static final long CALL_TIMEOUT_SECONDS = 10;

    private final PeerTransportConfig config;
    private final UnreachableReporter unreachable;
    private final RemovalReporter removal;
    private final OwnedThreads threads = new OwnedThreads(THREAD_PREFIX + "grpc");
    /** Guarded by this: the peers' URLs, whether or not started. */
    private final Map<Long, List<URI>> peerUrls = new HashMap<>();
    private final ConcurrentHashMap<Long, PeerSender> senders = new ConcurrentHashMap<>();
    private final List<Server> servers = new ArrayList<>();
    /** Channels of removed peers, still to be awaited on close. */
    private final List<ManagedChannel> retiredChannels = new ArrayList<>();
    private ExecutorService grpcExecutor;
    private volatile boolean started;
    private boolean closed;

    GrpcPeerTransport(PeerTransportConfig config) {
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
        grpcExecutor = Executors.newCachedThreadPool(threads);
        PeerAdmission admission = new PeerAdmission(config.localMemberId(), config.clusterId(), config.handler());
        ServerServiceDefinition service = ServerServiceDefinition.builder(PeerStreamProtocol.SERVICE)
                .addMethod(PeerStreamProtocol.STREAM, new PeerStreamReceiver(config.localMemberId(), admission, config.handler()))
                .addMethod(PeerStreamProtocol.SNAPSHOT,
                        new SnapshotReceiver(config.localMemberId(), admission, config.handler(), threads))
                .addMethod(PeerStreamProtocol.CALL, new CallReceiver(admission, config.handler()))
                .build();
        try {
            for (int i = 0; i < addresses.size(); i++) {
                Server server = NettyServerBuilder.forAddress(addresses.get(i))
                        .maxInboundMessageSize(PeerStreamProtocol.MAX_MESSAGE_BYTES)
                        .permitKeepAliveTime(5, TimeUnit.SECONDS)
                        .permitKeepAliveWithoutCalls(true)
                        .executor(grpcExecutor)
                        .addService(service)
                        .build()
                        .start();
                servers.add(server);
                LOG.log(System.Logger.Level.INFO, "serving peer traffic insecurely on {0}", config.listenUrls().get(i).getAuthority());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        started = true;
        peerUrls.forEach(this::startSender);
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

    /** Adds the peer, or replaces its URLs (its queue is dropped then); ignored after close. */
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
            stopSender(memberId);
            startSender(memberId, copy);
        }
    }

    /** The same as {@link #addPeer}: its queue is dropped and a snapshot in flight to it fails. */
    @Override
    public void updatePeer(long memberId, List<URI> urls) {
        addPeer(memberId, urls);
    }

    @Override
    public synchronized void removePeer(long memberId) {
        peerUrls.remove(memberId);
        stopSender(memberId);
        unreachable.forget(memberId);
    }

    private void startSender(long memberId, List<URI> urls) {
        senders.put(memberId, new PeerSender(memberId, urls, config.clusterId(), config.localMemberId(),
                grpcExecutor, threads, unreachable, removal));
    }

    private void stopSender(long memberId) {
        PeerSender old = senders.remove(memberId);
        if (old != null) {
            retiredChannels.removeIf(ManagedChannel::isTerminated);
            retiredChannels.addAll(old.close());
        }
    }

    @Override
    public void send(Message message) {
        long to = message.getTo();
        PeerSender sender = senders.get(to);
        if (sender == null) {
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
        if (size > PeerStreamProtocol.MAX_MESSAGE_BYTES) {
            LOG.log(System.Logger.Level.ERROR, "dropped {0} to member {1}: {2} bytes, over the limit of {3}",
                    message.getType(), Long.toHexString(to), size, PeerStreamProtocol.MAX_MESSAGE_BYTES);
            unreachable.report(to);
            return;
        }
        if (!sender.offer(message, size)) {
            unreachable.report(to);
        }
    }

    @Override
    public void sendSnapshot(Message message, SnapshotPayload payload) {
        SnapshotOutcome outcome = new SnapshotOutcome(message.getTo(), payload, config.handler());
        PeerSender sender = senders.get(message.getTo());
        int size = message.getSerializedSize();
        if (sender == null || size > PeerStreamProtocol.MAX_MESSAGE_BYTES) {
            LOG.log(System.Logger.Level.WARNING, "dropped a snapshot for member {0}: {1}", Long.toHexString(message.getTo()),
                    sender == null ? "unknown member, or transport not started or closed" : "MsgSnap of " + size + " bytes");
            outcome.report(false);
            return;
        }
        sender.sendSnapshot(message, outcome);
    }

    @Override
    public CompletableFuture<byte[]> call(long memberId, String method, byte[] request) {
        PeerSender sender = senders.get(memberId);
        if (sender == null) {
            return CompletableFuture.failedFuture(new IOException("cannot send peer request " + method + " to member "
                    + Long.toHexString(memberId) + ": unknown member, or transport not started or closed"));
        }
        return sender.call(method, request, Duration.ofSeconds(CALL_TIMEOUT_SECONDS));
    }

    /** Stops the senders, then the servers (cutting inbound streams), then the threads; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        started = false;
        for (Long id : List.copyOf(senders.keySet())) {
            stopSender(id);
        }
        servers.forEach(Server::shutdownNow);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (ManagedChannel channel : retiredChannels) {
                channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            for (Server server : servers) {
                server.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            if (grpcExecutor != null) {
                // Last callbacks (stream closures) ran on it; nothing new can come now.
                grpcExecutor.shutdown();
                grpcExecutor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                grpcExecutor.shutdownNow();
            }
            List<Thread> alive = threads.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!alive.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "peer transport threads still running after close: {0}", alive);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retiredChannels.clear();
        servers.clear();
    }
}
