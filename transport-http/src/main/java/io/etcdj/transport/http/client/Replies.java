package io.etcdj.transport.http.client;

import io.etcdj.spi.server.EtcdException;
import io.etcdj.v2store.V2Error;
import io.etcdj.v2store.V2Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The answers etcd's HTTP handlers share, with etcd's exact status, headers and body. */
final class Replies {
    private Replies() {
    }

    /** Go's {@code http.NotFound}. */
    static void notFound(Response response) throws IOException {
        response.sendText(404, "404 page not found");
    }

    /**
     * etcd's {@code allowMethod}: true if {@code method} is one of {@code allowed}; otherwise answers
     * 405 "Method Not Allowed" with the Allow header (the methods joined by ",") and returns false.
     */
    static boolean allowMethod(Request request, Response response, String... allowed) throws IOException {
        for (String m : allowed) {
            if (m.equals(request.method())) {
                return true;
            }
        }
        response.header("Allow", String.join(",", allowed));
        response.sendText(405, "Method Not Allowed");
        return false;
    }

    /** v2http's {@code httptypes.HTTPError}: JSON {@code {"message":...}}, no trailing newline. */
    static void httpError(Response response, int status, String message) throws IOException {
        response.header("Content-Type", "application/json");
        response.send(status, ("{\"message\":" + GoJsonText.quote(message) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** v2error's {@code WriteTo}: X-Etcd-Index, JSON and a newline, the error's status. */
    static void v2Error(Response response, V2Error error) throws IOException {
        response.header("X-Etcd-Index", Long.toUnsignedString(error.index()));
        response.header("Content-Type", "application/json");
        response.send(error.statusCode(), (V2Json.error(error) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Go's {@code http.Redirect} with 301, as ServeMux sends it for unclean or slash-less paths. */
    static void movedPermanently(Request request, Response response, String path) throws IOException {
        String location = UrlCodec.escapePath(path) + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
        response.header("Location", location);
        boolean get = request.method().equals("GET");
        if (get || request.method().equals("HEAD")) {
            response.header("Content-Type", "text/html; charset=utf-8");
        }
        String body = get ? "<a href=\"" + htmlEscape(location) + "\">Moved Permanently</a>.\n\n" : "";
        response.send(301, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }

    /** The failure behind a completed future (unwrapped from Completion/ExecutionException). */
    static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The message a failure shows: etcd's text for an {@link EtcdException}, else the exception's own. */
    static String message(Throwable t) {
        Throwable c = cause(t);
        if (c instanceof CancellationException) {
            return "context canceled";
        }
        return c instanceof EtcdException || c.getMessage() != null ? String.valueOf(c.getMessage()) : c.toString();
    }
}
