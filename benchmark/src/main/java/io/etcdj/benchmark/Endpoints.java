package io.etcdj.benchmark;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's gRPC channels: {@code conns} plaintext channels, assigned to the endpoints round
 * robin. Callbacks run directly on the channel's Netty event-loop thread (no executor hop, no extra
 * thread), which is why every callback in this module must be short and must not block.
 */
final class Endpoints implements AutoCloseable {
    private final List<ManagedChannel> channels;

    Endpoints(GlobalOptions options) {
        List<ManagedChannel> list = new ArrayList<>();
        for (int i = 0; i < options.conns(); i++) {
            InetSocketAddress address = parseUnchecked(options.endpoints().get(i % options.endpoints().size()));
            list.add(NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
                    .usePlaintext()
                    .directExecutor()
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .build());
        }
        channels = List.copyOf(list);
    }

    List<ManagedChannel> channels() {
        return channels;
    }

    /** Channel {@code i} modulo the channel count: how work is spread over connections. */
    ManagedChannel channel(long i) {
        return channels.get((int) (i % channels.size()));
    }

    static InetSocketAddress parse(String hostPort) throws UsageException {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new UsageException("endpoint must be host:port, got \"" + hostPort + "\"");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            throw new UsageException("endpoint port must be 1..65535, got \"" + hostPort + "\"");
        }
    }

    private static InetSocketAddress parseUnchecked(String hostPort) {
        try {
            return parse(hostPort);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Cancels whatever is still in flight (only after a time-out) and waits briefly for the channels to close. */
    @Override
    public void close() {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        try {
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
