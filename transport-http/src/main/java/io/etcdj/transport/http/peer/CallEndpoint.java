package io.etcdj.transport.http.peer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.etcdj.spi.transport.PeerTransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@code POST /raft/call/<method>}: a call naming its sender goes through {@link PeerRequestCheck};
 * one without identity headers is taken from anyone (see {@link PeerHttpProtocol}). Then the
 * handler's {@code serve} answers it on this request's own thread, which it may block; the answer
 * is sent as 200, its failure as 500 with the error's text.
 */
final class CallEndpoint implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(CallEndpoint.class.getName());

    private final PeerRequestCheck check;
    private final PeerTransportConfig.Handler handler;

    CallEndpoint(PeerRequestCheck check, PeerTransportConfig.Handler handler) {
        this.check = check;
        this.handler = handler;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = PeerHttpProtocol.callMethod(exchange.getRequestURI().getRawPath());
            if (method == null) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.NOT_FOUND, "404 page not found");
                return;
            }
            if (!admit(exchange)) {
                return;
            }
            byte[] request;
            try (InputStream body = exchange.getRequestBody()) {
                request = body.readNBytes(PeerHttpProtocol.MAX_CALL_BYTES + 1);
            }
            if (request.length > PeerHttpProtocol.MAX_CALL_BYTES) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.CONTENT_TOO_LARGE,
                        "peer request over the limit of " + PeerHttpProtocol.MAX_CALL_BYTES + " bytes");
                return;
            }
            byte[] answer;
            try {
                answer = handler.serve(method, request);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "failed to serve peer request " + method, e);
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.INTERNAL_SERVER_ERROR,
                        e.getMessage() != null ? e.getMessage() : e.toString());
                return;
            }
            if (answer == null || answer.length > PeerHttpProtocol.MAX_CALL_BYTES) {
                PeerHttpProtocol.respond(exchange, PeerHttpProtocol.INTERNAL_SERVER_ERROR, answer == null
                        ? "the server gave no answer to " + method
                        : "answer to " + method + " of " + answer.length + " bytes, over the limit of " + PeerHttpProtocol.MAX_CALL_BYTES);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            // -1: no body; 0 would mean a chunked one.
            exchange.sendResponseHeaders(PeerHttpProtocol.OK, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /** True if the call may go on; otherwise it was answered with the refusal. */
    private boolean admit(HttpExchange exchange) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        if (headers.containsKey(PeerHttpProtocol.CLUSTER_ID) || headers.containsKey(PeerHttpProtocol.SERVER_FROM)) {
            return check.admit(exchange) != null;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.METHOD_NOT_ALLOWED, "Method Not Allowed");
            return false;
        }
        return true;
    }
}
