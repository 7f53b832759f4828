package io.etcdj.e2e;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Plain gRPC channels to a server's client port, for the tests that talk to etcd's services without jetcd. */
final class Grpc {

    private Grpc() {
    }

    /** A plaintext channel to the server's client endpoint on 127.0.0.1. */
    static ManagedChannel channel(EtcdProcess server) {
        String[] hostPort = server.endpoint().split(":");
        return NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext().build();
    }

    /** Shuts a channel down, cancelling whatever still runs on it; null is ignored. */
    static void close(ManagedChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
