package io.etcdj.transport.http.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into successive JSON values, as Go's {@code json.Decoder} reads a gateway
 * request body: one value per message, values separated by optional whitespace. Only the value's
 * extent is found here (strings, escapes and nesting); its content is checked by the parser.
 */
final class JsonValueReader {
    /** A value longer than the limit. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong(long limit) {
            super("JSON value longer than " + limit + " bytes");
        }
    }

    private final InputStream in;
    private final long maxValueBytes;
    private int pushedBack = -1;

    JsonValueReader(InputStream in, long maxValueBytes) {
        // Buffered: values are read byte by byte. The buffer never waits for more than is there.
        this.in = new BufferedInputStream(in, 8192);
        this.maxValueBytes = maxValueBytes;
    }

    /** The next value's text, or null at the end of the stream (only whitespace left). */
    String next() throws IOException {
        int c = read();
        while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            c = read();
        }
        if (c < 0) {
            return null;
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream(256);
        if (c != '{' && c != '[' && c != '"') {
            // A bare scalar (number, true, false, null) ends at whitespace or a structural character.
            while (c >= 0 && " \t\n\r{}[],\":".indexOf(c) < 0) {
                append(value, c);
                c = read();
            }
            if (c >= 0) {
                pushedBack = c;
            }
            return value.toString(StandardCharsets.UTF_8);
        }
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        while (true) {
            if (c < 0) {
                // Truncated: what was read is handed on, and the parser reports it.
                return value.toString(StandardCharsets.UTF_8);
            }
            append(value, c);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return value.toString(StandardCharsets.UTF_8);
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return value.toString(StandardCharsets.UTF_8);
                }
            }
            c = read();
        }
    }

    private void append(ByteArrayOutputStream value, int c) throws TooLong {
        if (value.size() >= maxValueBytes) {
            throw new TooLong(maxValueBytes);
        }
        value.write(c);
    }

    private int read() throws IOException {
        if (pushedBack >= 0) {
            int c = pushedBack;
            pushedBack = -1;
            return c;
        }
        return in.read();
    }
}
