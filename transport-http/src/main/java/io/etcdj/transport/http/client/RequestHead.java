package io.etcdj.transport.http.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The request line and header fields of one HTTP/1.x request, read as Go's net/http reads them.
 *
 * @param method   as sent (case-sensitive, as in Go)
 * @param path     the percent-decoded path of the target (Go's {@code URL.Path})
 * @param rawQuery what follows '?', still encoded (Go's {@code URL.RawQuery})
 * @param minor    the HTTP minor version: 0 or 1 (the major is always 1)
 */
record RequestHead(String method, String path, String rawQuery, int minor, RequestHeaders headers) {
    /** Go's {@code http.DefaultMaxHeaderBytes} plus the 4096 bytes of slack its server allows. */
    static final int MAX_HEAD_BYTES = (1 << 20) + 4096;

    boolean http11() {
        return minor >= 1;
    }

    /**
     * Reads the next request head; null when the connection ended cleanly before one began.
     *
     * @throws ProtocolError when the bytes are not an HTTP/1.x request Go would accept
     */
    static RequestHead read(ConnectionInput in) throws IOException, ProtocolError {
        LineReader lines = new LineReader(in);
        String requestLine;
        do {
            requestLine = lines.next();
            if (requestLine == null) {
                if (lines.consumed == 0) {
                    return null;
                }
                throw new java.io.EOFException("connection ended within a request head");
            }
            // RFC 7230 3.5: empty lines before a request line are ignored.
        } while (requestLine.isEmpty());
        int firstSpace = requestLine.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : requestLine.indexOf(' ', firstSpace + 1);
        if (secondSpace < 0) {
            throw ProtocolError.badRequest();
        }
        String method = requestLine.substring(0, firstSpace);
        String target = requestLine.substring(firstSpace + 1, secondSpace);
        String proto = requestLine.substring(secondSpace + 1);
        if (method.isEmpty() || !isToken(method) || target.isEmpty()) {
            throw ProtocolError.badRequest();
        }
        int minor = minorVersion(proto);
        RequestHeaders headers = new RequestHeaders();
        String previousName = null;
        String line;
        while (!(line = lines.nextOrFail()).isEmpty()) {
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // An obsolete folded continuation of the previous field (RFC 7230 3.2.4).
                if (previousName == null) {
                    throw ProtocolError.badRequest();
                }
                headers.add(previousName, line.trim());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw ProtocolError.badRequest();
            }
            previousName = line.substring(0, colon);
            headers.add(previousName, line.substring(colon + 1).trim());
        }
        if (minor >= 1 && headers.all("Host").isEmpty()) {
            throw new ProtocolError(400, "missing required Host header");
        }
        if (headers.all("Host").size() > 1) {
            throw new ProtocolError(400, "too many Host headers");
        }
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String rawQuery = question < 0 ? "" : target.substring(question + 1);
        rawPath = originForm(rawPath);
        try {
            return new RequestHead(method, UrlCodec.unescapePath(rawPath), rawQuery, minor, headers);
        } catch (UrlCodec.InvalidEscape e) {
            throw ProtocolError.badRequest();
        }
    }

    /** The path of an absolute-form target ("http://host/p" names "/p"); other forms unchanged. */
    private static String originForm(String rawPath) {
        int scheme = rawPath.indexOf("://");
        if (rawPath.startsWith("/") || scheme < 0) {
            return rawPath;
        }
        int slash = rawPath.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : rawPath.substring(slash);
    }

    private static int minorVersion(String proto) throws ProtocolError {
        switch (proto) {
            case "HTTP/1.1":
                return 1;
            case "HTTP/1.0":
                return 0;
            default:
                // Go's ParseHTTPVersion: "HTTP/" digit "." digit; any other major is refused.
                if (proto.length() != 8 || !proto.startsWith("HTTP/") || proto.charAt(6) != '.'
                        || !Character.isDigit(proto.charAt(5)) || !Character.isDigit(proto.charAt(7))) {
                    throw ProtocolError.badRequest();
                }
                if (proto.charAt(5) != '1') {
                    throw new ProtocolError(505, "unsupported protocol version");
                }
                return proto.charAt(7) - '0';
        }
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads CRLF- (or LF-) terminated lines, counting the head's bytes against {@link #MAX_HEAD_BYTES}. */
    private static final class LineReader {
        private final ConnectionInput in;
        private final StringBuilder line = new StringBuilder(128);
        private int consumed;

        LineReader(ConnectionInput in) {
            this.in = in;
        }

        /** The next line without its terminator; null at the end of the connection. */
        String next() throws IOException, ProtocolError {
            line.setLength(0);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (++consumed > MAX_HEAD_BYTES) {
                    throw new ProtocolError(431, null);
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    // Header bytes are Latin-1 on the wire; UTF-8 paths are decoded from their escapes.
                    return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                }
                line.append((char) b);
            }
        }

        String nextOrFail() throws IOException, ProtocolError {
            String s = next();
            if (s == null) {
                throw new java.io.EOFException("connection ended within a request head");
            }
            return s;
        }
    }
}
