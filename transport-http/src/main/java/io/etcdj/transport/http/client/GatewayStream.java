package io.etcdj.transport.http.client;

import com.google.protobuf.Message;
import java.io.IOException;

/**
 * A server-to-client message stream of the gateway ({@code Watch}, {@code LeaseKeepAlive},
 * {@code Snapshot}, {@code Observe}), pulled by {@link #pump} on the request's thread.
 */
interface GatewayStream extends AutoCloseable {
    /** The next message to send, or null when none is ready. Never blocks for long. */
    Message poll() throws IOException;

    /** True once no message will follow (checked after {@link #poll} returned null). */
    boolean ended();

    /** Why the stream ended, or null when it ended normally. */
    GatewayFailure failure();

    /** Releases what the stream holds on the server. */
    @Override
    void close();

    /**
     * Writes the stream as grpc-gateway's ForwardResponseStream does: status 200 and the headers
     * with the first message (or the failure's status if the stream fails first), then each message
     * as {@code {"result":...}} and a newline, flushed; a failure as a last error chunk. Ends when
     * the stream ends, or quietly when the client went away (the connection is then closed).
     *
     * @param wakeup signalled whenever the stream may have something new or the client left
     */
    static void pump(GatewayStream stream, Response response, Wakeup wakeup, Request.ClientGone client)
            throws IOException {
        response.header("Content-Type", "application/json");
        response.header("Grpc-Metadata-Content-Type", "application/grpc");
        Response.Stream out = null;
        try {
            while (!client.isGone()) {
                Message m = stream.poll();
                if (m != null) {
                    if (out == null) {
                        out = response.stream(200);
                    }
                    out.write(GatewayJson.resultLine(m));
                } else if (stream.ended()) {
                    GatewayFailure failure = stream.failure();
                    if (out == null) {
                        out = response.stream(failure == null ? 200 : GatewayJson.httpStatus(failure.code()));
                    }
                    if (failure != null) {
                        out.write(GatewayJson.streamError(failure.code(), failure.message()));
                    }
                    out.finish();
                    return;
                } else {
                    wakeup.await();
                }
            }
            response.abandon();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.abandon();
        }
    }
}
