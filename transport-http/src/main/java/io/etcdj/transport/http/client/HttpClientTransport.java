package io.etcdj.transport.http.client;

import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The client port's HTTP/1.1 face on every listen URL: one plain socket server per address, a
 * virtual thread per connection ({@link Connection}) answering through the {@link ClientRouter}.
 * Request bodies are limited to twice {@code --max-request-bytes} plus gRPC's 512 KiB overhead
 * (JSON and form encodings are bigger than the message they carry; the message itself is then
 * held to etcd's limit).
 */
final class HttpClientTransport implements ClientTransport {
    /** etcd allows gRPC messages this much larger than --max-request-bytes (v3rpc grpcOverheadBytes). */
    static final int GRPC_OVERHEAD_BYTES = 512 * 1024;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(HttpClientTransport.class.getName());

    private final ClientTransportConfig config;
    private final ClientThreads threads = new ClientThreads();
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;
    private ClientRouter router;
    private volatile boolean closed;
    private boolean started;

    HttpClientTransport(ClientTransportConfig config) {
        this.config = config;
    }

    @Override
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "client transport closed" : "client transport already started");
        }
        started = true;
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (URI url : config.listenUrls()) {
            if (!"http".equals(url.getScheme())) {
                // TODO(TLS not built yet): serve https once the security provider supplies a server context.
                throw new IOException("etcdj: client URL scheme " + url.getScheme() + " is not supported yet: " + url);
            }
            if (url.getHost() == null || url.getPort() < 0) {
                throw new IOException("URL address does not have the form \"host:port\": " + url);
            }
            InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve host of " + url);
            }
            addresses.add(address);
        }
        ScheduledThreadPoolExecutor headTimer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name(ClientThreads.PREFIX + "timer").daemon().factory());
        // Every request schedules a deadline and cancels it at once: cancelled ones must not pile up.
        headTimer.setRemoveOnCancelPolicy(true);
        timer = headTimer;
        router = new ClientRouter(config.server());
        long maxBody = 2L * ((long) config.server().maxRequestBytes() + GRPC_OVERHEAD_BYTES);
        try {
            for (InetSocketAddress address : addresses) {
                ServerSocket listener = new ServerSocket();
                listener.setReuseAddress(true);
                listeners.add(listener);
                listener.bind(address, 1024);
                threads.start("accept", () -> accept(listener, maxBody));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io
                    : new IOException("cannot serve client HTTP on " + config.listenUrls() + ": " + e.getMessage(), e);
        }
    }

    private void accept(ServerSocket listener, long maxBody) {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "accepting a client connection failed: {0}", e.toString());
                continue;
            }
            Connection connection = new Connection(socket, router, maxBody, timer, threads);
            connections.add(connection);
            if (closed) {
                connection.closeQuietly();
            }
            threads.start("conn", () -> {
                try {
                    connection.run();
                } finally {
                    connections.remove(connection);
                }
            });
        }
    }

    @Override
    public synchronized List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ServerSocket s : listeners) {
            if (s.isBound() && s.getLocalSocketAddress() instanceof InetSocketAddress a) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Stops accepting, gives requests in progress up to {@link #CLOSE_GRACE} to end, then closes
     * every connection (ending long polls and streams; their server watches are released).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        listeners.forEach(HttpClientTransport::closeQuietly);
        try {
            long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
            while (!connections.isEmpty() && System.nanoTime() < deadline) {
                connections.removeIf(Connection::closeIfIdle);
                if (!connections.isEmpty()) {
                    Thread.sleep(20);
                }
            }
            List.copyOf(connections).forEach(Connection::closeQuietly);
            List<Thread> stuck = threads.join(CLOSE_GRACE);
            if (!stuck.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "{0} client HTTP threads did not end", stuck.size());
            }
        } catch (InterruptedException e) {
            List.copyOf(connections).forEach(Connection::closeQuietly);
            Thread.currentThread().interrupt();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
