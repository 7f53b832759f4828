package io.etcdj.transport.grpc;

import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC server per listen URL, all sharing the same service implementations. With an HTTP
 * fallback configured, each server also takes the connections that are not HTTP/2 and relays them
 * to it ({@link HttpFallbackNegotiator}), so that one port serves gRPC and HTTP/1.1 as in etcd.
 */
final class GrpcClientTransport implements ClientTransport {
    /** etcd allows gRPC frames this much larger than --max-request-bytes (v3rpc grpcOverheadBytes). */
    static final int GRPC_OVERHEAD_BYTES = 512 * 1024;
    private static final System.Logger LOG = System.getLogger(GrpcClientTransport.class.getName());

    private final ClientTransportConfig config;
    private final List<Server> servers = new ArrayList<>();
    /**
     * Runs the streams' sends (and snapshot reads, which may block on disk) off gRPC's threads; each
     * stream serializes its own work on it ({@link SerialExecutor}).
     */
    private ExecutorService streamExecutor;
    /**
     * gRPC's application executor (what grpc-java would use by default: a cached pool), owned here
     * so that {@link #close()} can wait for the calls' last callbacks.
     */
    private ExecutorService callExecutor;

    GrpcClientTransport(ClientTransportConfig config) {
        this.config = config;
    }

    @Override
    public void start() throws IOException {
        RequestContextInterceptor contexts = new RequestContextInterceptor();
        EtcdServerApi api = config.server();
        streamExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("etcdj-grpc-stream-", 0).factory());
        callExecutor = Executors.newCachedThreadPool(Thread.ofPlatform().name("etcdj-grpc-call-", 0).daemon().factory());
        List<ServerServiceDefinition> services = new ArrayList<>();
        for (BindableService service : List.of(
                new KvService(api),
                new WatchService(api, streamExecutor),
                new LeaseService(api, streamExecutor),
                new ClusterService(api),
                new MaintenanceService(api, streamExecutor),
                new LockService(api),
                new ElectionService(api, streamExecutor))) {
            services.add(ServerInterceptors.intercept(MalformedRequests.guard(service.bindService()), contexts));
        }
        try {
            for (URI url : config.listenUrls()) {
                if (!"http".equals(url.getScheme())) {
                    throw new IOException("etcdj: client URL scheme " + url.getScheme() + " is not supported yet: " + url);
                }
                NettyServerBuilder builder = (config.httpFallback() == null
                        ? NettyServerBuilder.forAddress(socketAddress(url))
                        // etcd serves HTTP/1.1 on the same port: other connections go to the HTTP front end.
                        : NettyServerBuilder.forAddress(socketAddress(url),
                                InternalNettyServerCredentials.create(new HttpFallbackNegotiator(config.httpFallback()))))
                        .maxInboundMessageSize(config.server().maxRequestBytes() + GRPC_OVERHEAD_BYTES)
                        .permitKeepAliveWithoutCalls(true)
                        .permitKeepAliveTime(5, TimeUnit.SECONDS)
                        .executor(callExecutor);
                services.forEach(builder::addService);
                if (config.maxConcurrentStreams() > 0 && config.maxConcurrentStreams() < Integer.MAX_VALUE) {
                    builder.maxConcurrentCallsPerConnection((int) config.maxConcurrentStreams());
                }
                Server server = builder.build().start();
                servers.add(server);
                LOG.log(System.Logger.Level.INFO, "serving client traffic insecurely on {0}", url.getAuthority());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    static InetSocketAddress socketAddress(URI url) throws IOException {
        if (url.getHost() == null || url.getPort() < 0) {
            throw new IOException("URL address does not have the form \"host:port\": " + url);
        }
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve host of " + url);
        }
        return address;
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Server s : servers) {
            for (var a : s.getListenSockets()) {
                if (a instanceof InetSocketAddress inet) {
                    out.add(inet);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (Server s : servers) {
            s.shutdown();
        }
        for (Server s : servers) {
            try {
                if (!s.awaitTermination(2, TimeUnit.SECONDS)) {
                    // Long-lived streams (watch, keep-alive, observe) do not end by themselves.
                    s.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
        // In this order: the calls' last callbacks (cancellations) run on the call executor and
        // queue the streams' clean-up (closing watch sessions, snapshot streams) on the stream
        // executor; each must finish before the next goes.
        callExecutor = drain(callExecutor);
        streamExecutor = drain(streamExecutor);
    }

    /** Lets the tasks already submitted run, then stops the executor; returns null. */
    private static ExecutorService drain(ExecutorService executor) {
        if (executor == null) {
            return null;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
