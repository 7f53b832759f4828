package io.etcdj.transport.http.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Percent-encoding as Go's net/url does it ({@code PathUnescape}, {@code QueryUnescape}, {@code EscapedPath}). */
final class UrlCodec {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlCodec() {
    }

    /** Thrown with Go's text: {@code invalid URL escape "%zz"}. */
    static final class InvalidEscape extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidEscape(String message) {
            super(message, null, false, false);
        }
    }

    /** Go's {@code url.PathUnescape}: %XX decoded, '+' kept. */
    static String unescapePath(String s) throws InvalidEscape {
        return unescape(s, false);
    }

    /** Go's {@code url.QueryUnescape}: %XX decoded and '+' read as a space. */
    static String unescapeQuery(String s) throws InvalidEscape {
        return unescape(s, true);
    }

    private static String unescape(String s, boolean plusIsSpace) throws InvalidEscape {
        if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%') {
                if (i + 2 >= bytes.length || hex(bytes[i + 1]) < 0 || hex(bytes[i + 2]) < 0) {
                    // Go quotes at most the three bytes starting at '%'.
                    String bad = new String(bytes, i, Math.min(3, bytes.length - i), StandardCharsets.UTF_8);
                    throw new InvalidEscape("invalid URL escape \"" + bad + "\"");
                }
                out.write(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
                i += 2;
            } else if (b == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A path as Go writes it in a URL (its {@code encodePath} mode): unreserved and {@code $&+,/:;=@} stay. */
    static String escapePath(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (byte raw : path.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-_.~$&+,/:;=@".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return b.toString();
    }
}
