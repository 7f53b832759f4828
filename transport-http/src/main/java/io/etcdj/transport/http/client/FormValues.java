package io.etcdj.transport.http.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code url.Values} as {@code Request.ParseForm} fills it: every value of every field, body
 * values before query values. {@link #parse} follows Go 1.19's {@code url.ParseQuery}: it keeps
 * going after a bad pair and reports the first error (a ';' separator overrides earlier ones).
 */
final class FormValues {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    /** Result of parsing: the values, and Go's error text or null. */
    record Parsed(FormValues values, String error) {
    }

    static Parsed parse(String query) {
        FormValues out = new FormValues();
        String error = null;
        int start = 0;
        while (start < query.length()) {
            int amp = query.indexOf('&', start);
            String pair = amp < 0 ? query.substring(start) : query.substring(start, amp);
            start = amp < 0 ? query.length() : amp + 1;
            if (pair.contains(";")) {
                error = "invalid semicolon separator in query";
                continue;
            }
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.add(UrlCodec.unescapeQuery(key), UrlCodec.unescapeQuery(value));
            } catch (UrlCodec.InvalidEscape e) {
                if (error == null) {
                    error = e.getMessage();
                }
            }
        }
        return new Parsed(out, error);
    }

    void add(String key, String value) {
        values.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
    }

    /** Appends every value of {@code other} after this one's (Go's {@code copyValues}). */
    void addAll(FormValues other) {
        other.values.forEach((k, vs) -> vs.forEach(v -> add(k, v)));
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** Every value of the field, in order; empty when absent. */
    List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** The first value, or "" when absent (Go's {@code FormValue}). */
    String first(String key) {
        List<String> vs = values.get(key);
        return vs == null ? "" : vs.get(0);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }
}
