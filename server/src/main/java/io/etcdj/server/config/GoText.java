package io.etcdj.server.config;

/**
 * Go's {@code strconv.Quote}, which etcd's messages use through {@code %q}: error texts are compared
 * with etcd's byte for byte, so the quoting must match.
 */
final class GoText {
    private GoText() {
    }

    /** {@code strconv.Quote(s)}: double-quoted, with Go escapes for quotes, backslashes and control characters. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        out.append(String.format("\\x%02x", cp));
                    } else if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
                        out.append(cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.append('"').toString();
    }

    /** Go's {@code fmt} {@code %q} of a {@code []string}: {@code ["a" "b"]}. */
    static String quoteList(java.util.List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(quote(values.get(i)));
        }
        return out.append(']').toString();
    }
}
