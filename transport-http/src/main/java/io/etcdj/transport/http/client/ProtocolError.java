package io.etcdj.transport.http.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request that cannot be read as HTTP/1.x. Answered the way Go's net/http server answers it
 * (status line, plain text, "Connection: close"), and the connection is then closed.
 */
final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String detail;
    /** A body other than the status line, or null. */
    private final String body;

    /** @param detail Go's explanation appended to the status text, or null for none */
    ProtocolError(int status, String detail) {
        this(status, detail, null);
    }

    private ProtocolError(int status, String detail, String body) {
        super(status + (detail == null ? "" : ": " + detail), null, false, false);
        this.status = status;
        this.detail = detail;
        this.body = body;
    }

    /** A Transfer-Encoding other than a single "chunked" (Go answers 501 with its own text). */
    static ProtocolError unsupportedTransferEncoding() {
        return new ProtocolError(501, null, "Unsupported transfer encoding");
    }

    static ProtocolError badRequest() {
        return new ProtocolError(400, null);
    }

    int status() {
        return status;
    }

    /** Writes Go's answer: "HTTP/1.1 400 Bad Request: why", plain text, the same line as body. */
    void writeTo(OutputStream out) throws IOException {
        String line = status + " " + StatusText.of(status) + (detail == null ? "" : ": " + detail);
        String answer = "HTTP/1.1 " + line
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" + (body == null ? line : body);
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
