package io.etcdj.transport.grpc.peer;

import io.etcdj.api.raftpb.Message;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Raft messages over gRPC: a {@link PeerStreamProtocol#STREAM} server on every listen URL, and a
 * {@link PeerSender} per added peer. Nothing binds or starts before {@link #start()}; peers added
 * earlier get their senders then.
 *
 * <p>{@link #send} only queues (see {@link PeerSender} for the bounds) and reports the destination
 * unreachable, at most every 100 ms per member, when it drops a message: unknown member, queue
 * full, stream broken or backing off, message over {@value PeerStreamProtocol#MAX_MESSAGE_BYTES}
 * bytes, transport not started or closed. The handler is called from gRPC threads, concurrently
 * for different streams (each peer sends snapshots on a stream of their own).
 */
final class GrpcPeerTransport implements PeerTransport {
    private static final System.Logger LOG = System.getLogger(GrpcPeerTransport.class.getName());
    static final String THREAD_PREFIX = "etcdj-peer-";

    private final PeerTransportConfig config;
    private final UnreachableReporter unreachable;
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
        PeerStreamReceiver receiver = new PeerStreamReceiver(config.localMemberId(), config.clusterId(), config.handler());
        try {
            for (int i = 0; i < addresses.size(); i++) {
                Server server = NettyServerBuilder.forAddress(addresses.get(i))
                        .maxInboundMessageSize(PeerStreamProtocol.MAX_MESSAGE_BYTES)
                        .permitKeepAliveTime(5, TimeUnit.SECONDS)
                        .permitKeepAliveWithoutCalls(true)
                        .executor(grpcExecutor)
                        .addService(receiver.service())
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

    @Override
    public synchronized void removePeer(long memberId) {
        peerUrls.remove(memberId);
        stopSender(memberId);
        unreachable.forget(memberId);
    }

    private void startSender(long memberId, List<URI> urls) {
        senders.put(memberId, new PeerSender(memberId, urls, config.clusterId(), config.localMemberId(),
                grpcExecutor, threads, unreachable));
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
