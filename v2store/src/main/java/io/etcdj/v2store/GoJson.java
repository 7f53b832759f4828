package io.etcdj.v2store;

/**
 * String and number encoding exactly as Go's {@code encoding/json} (with its default HTML
 * escaping) writes them, so that output is byte-identical to etcd's.
 */
final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /**
     * Appends {@code s} as a quoted JSON string. Go escapes {@code " \\} and the control characters
     * (short forms only for \n \r \t; others as {@code \\u00xx}), {@code < > &} as {@code \\u003c} etc.,
     * and U+2028/U+2029. Invalid UTF-8 becomes U+FFFD in Go; a Java string cannot carry invalid
     * UTF-8, but its equivalent, a lone surrogate, is likewise written as {@code \\ufffd}.
     * Go 1.22+ writes \b and \f in short form; etcd 3.4 was built with older Go, hence \\u0008/\\u000c.
     */
    static void appendString(StringBuilder b, String s) {
        b.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '<', '>', '&' -> unicodeEscape(b, c);
                case '\u2028', '\u2029' -> unicodeEscape(b, c);
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(b, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        b.append("\\ufffd");
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        appendString(b, s);
        return b.toString();
    }

    /** Appends a Go uint64 held in a Java long. */
    static void appendUnsigned(StringBuilder b, long v) {
        b.append(Long.toUnsignedString(v));
    }

    private static void unicodeEscape(StringBuilder b, char c) {
        b.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }
}
