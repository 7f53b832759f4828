package io.etcdj.transport.http.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client's side of a gateway bidi stream: its request body read as successive JSON messages,
 * as grpc-gateway reads it. The first message is read before the stream is answered (a bad one
 * fails the whole request); the rest on a thread of their own, until the body ends or a message
 * does not parse (then, as grpc-gateway, reading stops and the stream stays open).
 */
final class StreamRequests<M extends Message> {
    private final JsonValueReader reader;
    private final Supplier<Message.Builder> builders;

    StreamRequests(Request request, long maxMessageBytes, Supplier<Message.Builder> builders) {
        this.reader = new JsonValueReader(request.body(), maxMessageBytes);
        this.builders = builders;
    }

    /** The first message, or null if the body is empty. */
    M first() throws IOException, InvalidProtocolBufferException {
        return next();
    }

    /**
     * Reads the remaining messages on a new thread, handing each to {@code each}; then runs
     * {@code end} with true if the body ended normally, false if the connection failed.
     */
    void readRest(Request request, Consumer<M> each, Consumer<Boolean> end) {
        request.startThread("gateway-requests", () -> {
            boolean clean = true;
            try {
                for (M m = next(); m != null; m = next()) {
                    each.accept(m);
                }
            } catch (InvalidProtocolBufferException e) {
                // Like grpc-gateway: a message that does not decode ends the client's side.
            } catch (IOException e) {
                clean = false;
            }
            end.accept(clean);
        });
    }

    @SuppressWarnings("unchecked")
    private M next() throws IOException {
        String json = reader.next();
        if (json == null) {
            return null;
        }
        Message.Builder b = builders.get();
        GatewayJson.parse(json, b);
        return (M) b.build();
    }
}
