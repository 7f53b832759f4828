package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.PeerTransportProvider;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Provides the gRPC peer transport, named {@code grpc}: Raft messages as one long-lived gRPC
 * stream per peer, plus a call per snapshot and per request between the servers, etcdj to etcdj
 * only (etcd's rafthttp is not spoken; see {@link PeerStreamProtocol}).
 * {@link #create} does nothing; the transport binds and starts threads in {@code start()}.
 * {@link #call} sends an anonymous {@code etcdj.raft.Peer/Call} on a channel of its own, closed
 * when it returns.
 */
public final class GrpcPeerTransportProvider implements PeerTransportProvider {
    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public String description() {
        return "Raft messages over gRPC streams (grpc-java, Netty); etcdj members only";
    }

    @Override
    public PeerTransport create(PeerTransportConfig config) {
        return new GrpcPeerTransport(config);
    }

    @Override
    public byte[] call(URI peerUrl, String method, byte[] request, Duration timeout) throws IOException {
        ManagedChannel channel = PeerSender.channelBuilder(peerUrl).disableRetry().build();
        try {
            CompletableFuture<byte[]> answer = PeerCall.start(channel, method, request, new Metadata(), timeout,
                    (status, accepted) -> {});
            try {
                // The call's deadline ends it; get() waits for that.
                return answer.get();
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for " + peerUrl + " to answer " + method);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io
                        : new IOException("peer request " + method + " to " + peerUrl + " failed", e.getCause());
            }
        } finally {
            channel.shutdownNow();
            try {
                // Releases the connection before returning; gRPC's own threads are shared.
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
