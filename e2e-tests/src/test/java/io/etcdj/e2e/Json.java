package io.etcdj.e2e;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for etcdctl's {@code -w json} output. Integers become {@link BigInteger}
 * because etcd prints uint64 ids (cluster_id, member_id) that may not fit a {@code long}. Objects keep
 * their field order. The accessor methods fail the test with the document in the message when a field
 * is missing or of the wrong type.
 */
public final class Json {

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON document (surrounding white space allowed). */
    public static Object parse(String text) {
        Json json = new Json(text);
        json.skipSpace();
        Object value = json.value();
        json.skipSpace();
        if (json.pos != text.length()) {
            throw json.error("trailing characters");
        }
        return value;
    }

    /** Parses a document that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new AssertionError("expected a JSON object: " + text);
        }
        return (Map<String, Object>) value;
    }

    /** Parses a document that must be an array. */
    @SuppressWarnings("unchecked")
    public static List<Object> arrayOf(String text) {
        Object value = parse(text);
        if (!(value instanceof List)) {
            throw new AssertionError("expected a JSON array: " + text);
        }
        return (List<Object>) value;
    }

    /** The object at {@code field} of {@code object}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> obj(Map<String, Object> object, String field) {
        return (Map<String, Object>) get(object, field, Map.class);
    }

    /** The array at {@code field} of {@code object}. */
    @SuppressWarnings("unchecked")
    public static List<Object> arr(Map<String, Object> object, String field) {
        return (List<Object>) get(object, field, List.class);
    }

    /** The integer at {@code field} of {@code object}. */
    public static BigInteger integer(Map<String, Object> object, String field) {
        return get(object, field, BigInteger.class);
    }

    /** The integer at {@code field} of {@code object}, which must fit a {@code long}. */
    public static long lng(Map<String, Object> object, String field) {
        return integer(object, field).longValueExact();
    }

    /** The string at {@code field} of {@code object}. */
    public static String str(Map<String, Object> object, String field) {
        return get(object, field, String.class);
    }

    /** The boolean at {@code field} of {@code object}. */
    public static boolean bool(Map<String, Object> object, String field) {
        return get(object, field, Boolean.class);
    }

    /** The base64 string at {@code field} decoded as UTF-8 (etcdctl prints keys and values as base64). */
    public static String base64(Map<String, Object> object, String field) {
        return new String(Base64.getDecoder().decode(str(object, field)), StandardCharsets.UTF_8);
    }

    /** Casts an array element that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value) {
        if (!(value instanceof Map)) {
            throw new AssertionError("expected a JSON object, got " + value);
        }
        return (Map<String, Object>) value;
    }

    private static <T> T get(Map<String, Object> object, String field, Class<T> type) {
        Object value = object.get(field);
        if (!type.isInstance(value)) {
            throw new AssertionError("expected field '" + field + "' of type " + type.getSimpleName()
                    + " in " + object);
        }
        return type.cast(value);
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> objectValue();
            case '[' -> arrayValue();
            case '"' -> stringValue();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> objectValue() {
        Map<String, Object> result = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return result;
        }
        while (true) {
            skipSpace();
            String key = stringValue();
            skipSpace();
            expect(':');
            skipSpace();
            if (result.put(key, value()) != null) {
                throw error("duplicate field " + key);
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return result;
            }
        }
    }

    private List<Object> arrayValue() {
        List<Object> result = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return result;
        }
        while (true) {
            skipSpace();
            result.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return result;
            }
        }
    }

    private String stringValue() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escape = next();
            switch (escape) {
                case '"', '\\', '/' -> out.append(escape);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw error("bad escape \\" + escape);
            }
        }
    }

    private Object number() {
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String literal = text.substring(start, pos);
        if (literal.isEmpty()) {
            throw error("unexpected character");
        }
        try {
            return literal.matches("-?\\d+") ? new BigInteger(literal) : new BigDecimal(literal);
        } catch (NumberFormatException e) {
            throw error("bad number " + literal);
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
        return value;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private AssertionError error(String what) {
        return new AssertionError("invalid JSON at offset " + pos + " (" + what + "): " + text);
    }
}
