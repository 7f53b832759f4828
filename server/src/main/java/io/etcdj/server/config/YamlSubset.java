package io.etcdj.server.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subset of YAML that etcd configuration files use, read without a YAML library: a top-level mapping of
 * {@code key: value} lines whose values are scalars (plain, {@code 'single'} or {@code "double"} quoted), flow
 * sequences ({@code [a, b]}, possibly over several lines), block sequences ({@code - a} lines) or one level of
 * nested mapping (as in {@code client-transport-security:}). Comments, blank lines and a leading {@code ---} are
 * skipped. Plain scalars resolve as go-yaml v2 (YAML 1.1) resolves them: {@code ~}/{@code null}/empty to null,
 * {@code yes}/{@code on}/{@code true} and their negations to booleans, integers (with {@code 0x}, {@code 0o},
 * {@code 0b}, leading-zero octal and {@code _}) and floats to numbers, anything else to a string.
 *
 * <p>Anything else (anchors, tags, block scalars, flow mappings, deeper nesting, several documents) is
 * refused with a line number rather than misread.
 *
 * <p>Values: null, {@link Boolean}, {@link BigInteger}, {@link Double}, {@link String}, {@code List<Object>} and
 * {@code Map<String, Object>} (in file order; a repeated key keeps its last value).
 */
final class YamlSubset {
    private YamlSubset() {
    }

    /** A document outside the subset, or malformed; the message starts with {@code yaml: line N:}. */
    static final class YamlException extends Exception {
        YamlException(int line, String message) {
            super("yaml: line " + line + ": " + message, null, false, false);
        }
    }

    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private record Line(int number, int indent, String text) {
    }

    /** Parses a whole file. An empty document gives an empty map. */
    static Map<String, Object> parse(String document) throws YamlException {
        List<Line> lines = significantLines(document);
        Map<String, Object> root = new LinkedHashMap<>();
        int i = 0;
        while (i < lines.size()) {
            Line line = lines.get(i);
            if (line.indent != 0) {
                throw new YamlException(line.number, "did not find expected key");
            }
            i = parseEntry(lines, i, root, 0);
        }
        return root;
    }

    /** Parses the entry at {@code lines[i]} into {@code into}; returns the index of the next line. */
    private static int parseEntry(List<Line> lines, int i, Map<String, Object> into, int depth)
            throws YamlException {
        Line line = lines.get(i);
        int colon = keyEnd(line);
        String key = unquoteKey(line, line.text.substring(0, colon).strip());
        String rest = line.text.substring(colon + 1).strip();
        int next = i + 1;
        boolean nestedFollows = next < lines.size() && lines.get(next).indent > line.indent;
        if (!rest.isEmpty()) {
            if (rest.startsWith("[")) {
                StringBuilder flow = new StringBuilder(rest);
                while (!balanced(flow) && next < lines.size()) {
                    flow.append(' ').append(lines.get(next).text);
                    next++;
                }
                into.put(key, flowSequence(line.number, flow.toString().strip()));
                return next;
            }
            Object value = scalar(line.number, rest);
            if (nestedFollows) {
                throw new YamlException(lines.get(next).number,
                        "etcdj reads only a subset of YAML: multi-line scalars are not supported");
            }
            into.put(key, value);
            return next;
        }
        if (!nestedFollows) {
            into.put(key, null);
            return next;
        }
        int childIndent = lines.get(next).indent;
        if (lines.get(next).text.startsWith("-")) {
            List<Object> items = new ArrayList<>();
            while (next < lines.size() && lines.get(next).indent == childIndent
                    && lines.get(next).text.startsWith("-")) {
                Line item = lines.get(next);
                String value = item.text.substring(1);
                if (!value.isEmpty() && !value.startsWith(" ")) {
                    throw new YamlException(item.number, "etcdj reads only a subset of YAML: expected '- value'");
                }
                items.add(scalar(item.number, value.strip()));
                next++;
            }
            checkDedent(lines, next, line.indent);
            into.put(key, items);
            return next;
        }
        if (depth > 0) {
            throw new YamlException(lines.get(next).number,
                    "etcdj reads only a subset of YAML: mappings nested more than one level are not supported");
        }
        Map<String, Object> child = new LinkedHashMap<>();
        while (next < lines.size() && lines.get(next).indent == childIndent) {
            next = parseEntry(lines, next, child, depth + 1);
        }
        checkDedent(lines, next, line.indent);
        into.put(key, child);
        return next;
    }

    private static void checkDedent(List<Line> lines, int next, int parentIndent) throws YamlException {
        if (next < lines.size() && lines.get(next).indent > parentIndent) {
            throw new YamlException(lines.get(next).number, "bad indentation of a mapping entry");
        }
    }

    private static int keyEnd(Line line) throws YamlException {
        String text = line.text;
        char first = text.charAt(0);
        if ("&*!|>{%@`".indexOf(first) >= 0) {
            throw unsupported(line.number, first);
        }
        if (first == '-' && (text.length() == 1 || text.charAt(1) == ' ')) {
            throw new YamlException(line.number, "etcdj reads only a subset of YAML: the document must be a mapping");
        }
        int from = 0;
        if (first == '"' || first == '\'') {
            from = closingQuote(line.number, text, 0) + 1;
        }
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        throw new YamlException(line.number, "could not find expected ':'");
    }

    private static String unquoteKey(Line line, String key) throws YamlException {
        if (key.startsWith("\"") || key.startsWith("'")) {
            Object value = scalar(line.number, key);
            return String.valueOf(value);
        }
        return key;
    }

    private static YamlException unsupported(int line, char c) {
        String what = switch (c) {
            case '&', '*' -> "anchors and aliases";
            case '!' -> "tags";
            case '|', '>' -> "block scalars";
            case '{' -> "flow mappings";
            default -> "the character '" + c + "' here";
        };
        return new YamlException(line, "etcdj reads only a subset of YAML: " + what + " are not supported");
    }

    private static List<Object> flowSequence(int line, String text) throws YamlException {
        if (!text.endsWith("]")) {
            throw new YamlException(line, "did not find expected ',' or ']'");
        }
        String inner = text.substring(1, text.length() - 1).strip();
        List<Object> items = new ArrayList<>();
        if (inner.isEmpty()) {
            return items;
        }
        List<String> parts = splitOutsideQuotes(line, inner);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i).strip();
            if (part.isEmpty()) {
                if (i == parts.size() - 1 && i > 0) {
                    break; // trailing comma
                }
                throw new YamlException(line, "did not find expected node content");
            }
            if (part.startsWith("[") || part.startsWith("{")) {
                throw new YamlException(line, "etcdj reads only a subset of YAML: nested collections are not supported");
            }
            items.add(scalar(line, part));
        }
        return items;
    }

    private static List<String> splitOutsideQuotes(int line, String s) throws YamlException {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c == '"' || c == '\'') && (i == start || s.substring(start, i).isBlank())) {
                i = closingQuote(line, s, i);
            } else if (c == ',') {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static boolean balanced(CharSequence flow) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < flow.length(); i++) {
            char c = flow.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"') {
                    i++;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
        }
        return depth <= 0;
    }

    /** Resolves one scalar as written (quoted or plain). */
    static Object scalar(int line, String text) throws YamlException {
        if (text.startsWith("\"")) {
            int end = closingQuote(line, text, 0);
            requireNothingAfter(line, text, end);
            return unescapeDouble(line, text.substring(1, end));
        }
        if (text.startsWith("'")) {
            int end = closingQuote(line, text, 0);
            requireNothingAfter(line, text, end);
            return text.substring(1, end).replace("''", "'");
        }
        if (!text.isEmpty() && "&*!|>{[%@`".indexOf(text.charAt(0)) >= 0) {
            throw unsupported(line, text.charAt(0));
        }
        return resolvePlain(text);
    }

    private static void requireNothingAfter(int line, String text, int end) throws YamlException {
        if (end + 1 < text.length()) {
            throw new YamlException(line, "did not find expected key");
        }
    }

    /** go-yaml v2's {@code resolve} for plain scalars. */
    static Object resolvePlain(String plain) {
        switch (plain) {
            case "", "~", "null", "Null", "NULL":
                return null;
            case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
                return Boolean.TRUE;
            case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
                return Boolean.FALSE;
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
                return Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF":
                return Double.NEGATIVE_INFINITY;
            case ".nan", ".NaN", ".NAN":
                return Double.NaN;
            default:
                break;
        }
        char first = plain.charAt(0);
        if ("+-.0123456789".indexOf(first) < 0) {
            return plain;
        }
        String digits = plain.replace("_", "");
        try {
            return BigInteger.valueOf(GoNumbers.parseInt(digits, 64));
        } catch (GoNumbers.NumberException notSigned) {
            try {
                return new BigInteger(Long.toUnsignedString(unsigned(digits)));
            } catch (GoNumbers.NumberException notUnsigned) {
                if (FLOAT.matcher(digits).matches()) {
                    return Double.parseDouble(digits);
                }
                return plain;
            }
        }
    }

    /** {@code strconv.ParseUint(s, 0, 64)} over the full unsigned range (go-yaml keeps such values as uint64). */
    private static long unsigned(String s) throws GoNumbers.NumberException {
        if (s.isEmpty() || !Character.isDigit(s.charAt(0))) {
            throw new GoNumbers.NumberException(GoNumbers.Failure.SYNTAX);
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new GoNumbers.NumberException(GoNumbers.Failure.SYNTAX);
        }
    }

    private static int closingQuote(int line, String text, int open) throws YamlException {
        char quote = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '"' && c == '\\') {
                i++;
            } else if (c == quote) {
                if (quote == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        throw new YamlException(line, "found unexpected end of stream while scanning a quoted scalar");
    }

    private static String unescapeDouble(int line, String s) throws YamlException {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw new YamlException(line, "found unknown escape character while parsing a quoted scalar");
            }
            char e = s.charAt(i);
            switch (e) {
                case '0' -> out.append('\0');
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 't', '\t' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'v' -> out.append('\u000b');
                case 'f' -> out.append('\f');
                case 'r' -> out.append('\r');
                case 'e' -> out.append('\u001b');
                case ' ', '"', '/', '\\' -> out.append(e);
                case 'x', 'u', 'U' -> {
                    int width = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    try {
                        out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + width), 16));
                    } catch (NumberFormatException | IndexOutOfBoundsException ex) {
                        throw new YamlException(line, "did not find expected hexdecimal number");
                    }
                    i += width;
                }
                default -> throw new YamlException(line,
                        "found unknown escape character while parsing a quoted scalar");
            }
        }
        return out.toString();
    }

    /** Lines that carry content: comments and blank lines dropped, {@code ---} accepted once at the start. */
    private static List<Line> significantLines(String document) throws YamlException {
        List<Line> lines = new ArrayList<>();
        String[] raw = document.split("\r?\n", -1);
        boolean started = false;
        for (int n = 0; n < raw.length; n++) {
            String text = stripComment(raw[n]);
            if (text.isBlank()) {
                continue;
            }
            int indent = 0;
            while (indent < text.length() && text.charAt(indent) == ' ') {
                indent++;
            }
            if (text.charAt(indent) == '\t') {
                throw new YamlException(n + 1, "found character that cannot start any token");
            }
            String content = text.strip();
            if (indent == 0 && (content.equals("---") || content.startsWith("--- "))) {
                if (started) {
                    throw new YamlException(n + 1, "etcdj reads only a subset of YAML: several documents are not supported");
                }
                started = true;
                if (!content.equals("---")) {
                    throw new YamlException(n + 1, "etcdj reads only a subset of YAML: content after '---' is not supported");
                }
                continue;
            }
            if (indent == 0 && content.equals("...")) {
                break;
            }
            started = true;
            lines.add(new Line(n + 1, indent, content));
        }
        return lines;
    }

    /** Drops a {@code #} comment that starts a line or follows whitespace, outside quotes. */
    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"') {
                    i++;
                }
            } else if ((c == '"' || c == '\'') && (i == 0 || " :[,-".indexOf(line.charAt(i - 1)) >= 0)) {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
