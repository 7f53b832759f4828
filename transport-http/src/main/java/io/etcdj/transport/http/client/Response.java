package io.etcdj.transport.http.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The answer to one request, written as Go's net/http writes it: the handler's header fields in
 * sorted order, then Date, then the framing. A complete body goes out with Content-Length; a
 * {@link #stream} is chunked (HTTP/1.1) or delimited by closing the connection (HTTP/1.0). HEAD
 * answers carry the headers only.
 */
final class Response {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final OutputStream out;
    private final boolean head;
    private final int minor;
    private boolean keepAlive;
    private final Map<String, List<String>> headers = new TreeMap<>();
    private final BooleanSupplier bodyAllowsReuse;
    private boolean committed;

    /**
     * @param bodyAllowsReuse whether what is left of the request body can be skipped after the
     *                        answer; if not, a complete answer says "Connection: close"
     */
    Response(OutputStream out, String method, int minor, boolean keepAlive, BooleanSupplier bodyAllowsReuse) {
        this.out = out;
        this.bodyAllowsReuse = bodyAllowsReuse;
        this.head = "HEAD".equals(method);
        this.minor = minor;
        this.keepAlive = keepAlive;
    }

    /** Replaces the field's values; names are written exactly as given (use Go's canonical form). */
    Response header(String name, String value) {
        List<String> values = new ArrayList<>(1);
        values.add(value);
        headers.put(name, values);
        return this;
    }

    Response removeHeader(String name) {
        headers.remove(name);
        return this;
    }

    boolean committed() {
        return committed;
    }

    /** Whether the connection can carry another request after this answer. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Asks for the connection to be closed after this answer ("Connection: close" if not yet sent). */
    void closeAfter() {
        keepAlive = false;
    }

    /**
     * Gives up answering (the client is gone): nothing more is written, not even the end of a
     * stream, and the connection closes.
     */
    void abandon() {
        committed = true;
        keepAlive = false;
    }

    /** Sends the whole answer: status, headers, Content-Length and body (no body for HEAD, 204 and 304). */
    void send(int status, byte[] body) throws IOException {
        if (!bodyAllowsReuse.getAsBoolean()) {
            keepAlive = false;
        }
        boolean bodyless = status == 204 || status == 304 || status < 200;
        StringBuilder b = statusAndHeaders(status);
        if (!bodyless) {
            b.append("Content-Length: ").append(body.length).append("\r\n");
        }
        connection(b);
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        if (!head && !bodyless) {
            out.write(body);
        }
        out.flush();
    }

    /** Go's {@code http.Error}: plain text with "nosniff", the message and a newline. */
    void sendText(int status, String message) throws IOException {
        header("Content-Type", "text/plain; charset=utf-8");
        header("X-Content-Type-Options", "nosniff");
        send(status, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Starts an answer whose body is written piece by piece; the headers are flushed at once. */
    Stream stream(int status) throws IOException {
        // HTTP/1.0 has no chunked coding: the body ends when the connection does.
        boolean chunked = minor >= 1 && !head;
        if (!chunked) {
            keepAlive = keepAlive && head;
        }
        StringBuilder b = statusAndHeaders(status);
        if (chunked) {
            b.append("Transfer-Encoding: chunked\r\n");
        }
        connection(b);
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new Stream(chunked);
    }

    private StringBuilder statusAndHeaders(int status) {
        if (committed) {
            throw new IllegalStateException("response already sent");
        }
        committed = true;
        StringBuilder b = new StringBuilder(256);
        b.append(minor >= 1 ? "HTTP/1.1 " : "HTTP/1.0 ").append(status).append(' ').append(StatusText.of(status))
                .append("\r\n");
        headers.forEach((name, values) -> values.forEach(v -> b.append(name).append(": ").append(v).append("\r\n")));
        b.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        return b;
    }

    private void connection(StringBuilder b) {
        if (minor >= 1 && !keepAlive) {
            b.append("Connection: close\r\n");
        } else if (minor == 0 && keepAlive) {
            b.append("Connection: keep-alive\r\n");
        }
    }

    /** A body written in pieces, each flushed to the client at once. */
    final class Stream {
        private final boolean chunked;
        private boolean finished;

        private Stream(boolean chunked) {
            this.chunked = chunked;
        }

        /** Writes one piece and flushes it. */
        void write(byte[] piece) throws IOException {
            if (head || piece.length == 0) {
                return;
            }
            if (chunked) {
                out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(piece);
                out.write('\r');
                out.write('\n');
            } else {
                out.write(piece);
            }
            out.flush();
        }

        /** Ends the body (the last chunk); without chunked coding the connection is closed after. */
        void finish() throws IOException {
            if (finished) {
                return;
            }
            finished = true;
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
    }
}
