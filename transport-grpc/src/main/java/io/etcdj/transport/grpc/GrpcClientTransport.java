package io.etcdj.transport.grpc;

import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One gRPC server per listen URL, all sharing the same service implementations. */
final class GrpcClientTransport implements ClientTransport {
    /** etcd allows gRPC frames this much larger than --max-request-bytes (v3rpc grpcOverheadBytes). */
    static final int GRPC_OVERHEAD_BYTES = 512 * 1024;
    private static final System.Logger LOG = System.getLogger(GrpcClientTransport.class.getName());

    private final ClientTransportConfig config;
    private final List<Server> servers = new ArrayList<>();

    GrpcClientTransport(ClientTransportConfig config) {
        this.config = config;
    }

    @Override
    public void start() throws IOException {
        RequestContextInterceptor contexts = new RequestContextInterceptor();
        KvService kv = new KvService(config.server());
        MaintenanceService maintenance = new MaintenanceService(config.server());
        ClusterService cluster = new ClusterService(config.server());
        try {
            for (URI url : config.listenUrls()) {
                if (!"http".equals(url.getScheme())) {
                    throw new IOException("etcdj: client URL scheme " + url.getScheme() + " is not supported yet: " + url);
                }
                NettyServerBuilder builder = NettyServerBuilder.forAddress(socketAddress(url))
                        .maxInboundMessageSize(config.server().maxRequestBytes() + GRPC_OVERHEAD_BYTES)
                        .permitKeepAliveWithoutCalls(true)
                        .permitKeepAliveTime(5, TimeUnit.SECONDS)
                        .addService(ServerInterceptors.intercept(MalformedRequests.guard(kv.bindService()), contexts))
                        .addService(ServerInterceptors.intercept(MalformedRequests.guard(maintenance.bindService()), contexts))
                        .addService(ServerInterceptors.intercept(MalformedRequests.guard(cluster.bindService()), contexts));
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
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
    }
}
