package io.etcdj.transport.grpc;

import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** The real gRPC transport on a loopback port in front of a fake server, and a real client channel to it. */
final class Fixture implements AutoCloseable {
    /** The client's HTTP/2 window, fixed (no auto-tuning) so that flow-control bounds are predictable. */
    static final int CLIENT_WINDOW = 1024 * 1024;

    final ClientTransport transport;
    final ManagedChannel channel;

    Fixture(EtcdServerApi server) throws IOException {
        transport = new GrpcClientTransportProvider().create(
                new ClientTransportConfig(List.of(URI.create("http://127.0.0.1:0")), server, 0));
        transport.start();
        InetSocketAddress address = transport.boundAddresses().getFirst();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", address.getPort())
                .usePlaintext()
                .flowControlWindow(CLIENT_WINDOW)
                .build();
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            transport.close();
        }
    }

    /** Waits (up to 10 s) for {@code condition}; fails with {@code what} otherwise. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits until {@code counter} stops moving (same value over several consecutive looks) and
     * returns it; fails as soon as it exceeds {@code bound}, so an unbounded producer is caught
     * instead of being waited for.
     */
    static long settle(LongSupplier counter, long bound, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        int stableLooks = 0;
        while (stableLooks < 5) {
            long now = counter.getAsLong();
            if (now > bound) {
                throw new AssertionError(what + " exceeded " + bound + ": " + now);
            }
            stableLooks = now == last ? stableLooks + 1 : 0;
            last = now;
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " never settled: " + now);
            }
            Thread.sleep(50);
        }
        return last;
    }
}
