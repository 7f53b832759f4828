package io.etcdj.transport.grpc;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.net.InetSocketAddress;

/**
 * grpc-java's plaintext server negotiation, preceded by a look at the connection's first bytes
 * ({@link PrefaceSniffer}): a connection that opens with the HTTP/2 client preface is gRPC and is
 * handed to gRPC exactly as the plain negotiator would; any other is relayed, byte for byte, to
 * the HTTP/1.1 front end at {@code fallback}. That is how etcd's cmux shares its client port.
 *
 * <p>Built on grpc-netty's {@code Internal*} negotiation API (the one grpc-alts and xDS use), so
 * that gRPC connections keep grpc-java's own server socket, event loops and flow control, with no
 * copy or extra hop; only HTTP/1.1 connections are relayed.
 */
final class HttpFallbackNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
    private final InetSocketAddress fallback;

    HttpFallbackNegotiator(InetSocketAddress fallback) {
        this.fallback = fallback;
    }

    @Override
    public AsciiString scheme() {
        return plaintext.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new PrefaceSniffer(plaintext.newHandler(grpcHandler), fallback);
    }

    @Override
    public void close() {
        plaintext.close();
    }
}
