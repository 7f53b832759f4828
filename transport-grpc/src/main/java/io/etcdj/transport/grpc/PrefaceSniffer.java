package io.etcdj.transport.grpc;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The first handler of every client connection: holds the bytes (and gRPC's negotiation event)
 * until it can tell the protocol. The HTTP/2 client preface ({@code PRI * HTTP/2.0...}) means
 * gRPC: the gRPC handlers are put in its place and get everything held, as if it had never been
 * there. Any byte that differs from the preface means HTTP/1.x: gRPC's handlers are taken out and
 * the connection is relayed to the HTTP front end ({@link Relay}).
 */
final class PrefaceSniffer extends ChannelInboundHandlerAdapter {
    static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final System.Logger LOG = System.getLogger(PrefaceSniffer.class.getName());

    private final ChannelHandler grpcNegotiation;
    private final InetSocketAddress fallback;
    /** Events from gRPC's set-up (its negotiation start) held until gRPC's handlers are in place. */
    private final List<Object> heldEvents = new ArrayList<>();
    private ByteBuf held;

    PrefaceSniffer(ChannelHandler grpcNegotiation, InetSocketAddress fallback) {
        this.grpcNegotiation = grpcNegotiation;
        this.fallback = fallback;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = ctx.alloc().buffer(HTTP2_PREFACE.length);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        heldEvents.add(event);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        readMore(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            held.writeBytes(in);
        } finally {
            in.release();
        }
        int n = Math.min(held.readableBytes(), HTTP2_PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (held.getByte(held.readerIndex() + i) != HTTP2_PREFACE[i]) {
                relayToHttp(ctx);
                return;
            }
        }
        if (n == HTTP2_PREFACE.length) {
            handToGrpc(ctx);
        } else {
            readMore(ctx);
        }
    }

    private static void readMore(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    /** gRPC's negotiation takes this handler's place and sees every event and byte it would have. */
    private void handToGrpc(ChannelHandlerContext ctx) {
        ByteBuf bytes = held;
        held = null;
        ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation);
        heldEvents.forEach(ctx::fireUserEventTriggered);
        heldEvents.clear();
        ctx.fireChannelRead(bytes);
        ctx.pipeline().remove(this);
    }

    /** Connects to the HTTP front end on the same event loop and relays both ways. */
    private void relayToHttp(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        ByteBuf bytes = held;
        held = null;
        heldEvents.clear();
        client.config().setAutoRead(false);
        client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline pipeline = ctx.pipeline();
        // Only this handler and gRPC's buffering handler are there: the latter goes, the relay comes.
        while (pipeline.last() != this) {
            pipeline.removeLast();
        }
        Channel backend = new Bootstrap()
                .group(client.eventLoop())
                .channel(client.getClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Relay(client))
                .connect(fallback)
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        LOG.log(System.Logger.Level.WARNING, "cannot reach the HTTP front end at {0}: {1}", fallback,
                                connected.cause().toString());
                        bytes.release();
                        client.close();
                        return;
                    }
                    Channel http = connected.channel();
                    http.writeAndFlush(bytes).addListener((ChannelFutureListener) written -> {
                        if (written.isSuccess()) {
                            client.read();
                        } else {
                            Relay.closeOnFlush(client);
                        }
                    });
                    http.read();
                })
                .channel();
        pipeline.replace(this, null, new Relay(backend));
    }
}
