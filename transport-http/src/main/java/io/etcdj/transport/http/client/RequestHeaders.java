package io.etcdj.transport.http.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request's header fields, looked up case-insensitively; several fields of one name keep their order. */
final class RequestHeaders {
    private final Map<String, List<String>> fields = new LinkedHashMap<>();

    void add(String name, String value) {
        fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
    }

    /** The first value of the field, or null (Go's {@code Header.Get}). */
    String first(String name) {
        List<String> values = fields.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    /** Every value of the field, in order; empty when absent. */
    List<String> all(String name) {
        List<String> values = fields.get(name.toLowerCase(Locale.ROOT));
        return values == null ? List.of() : values;
    }

    /** Whether any value of the comma-separated field is {@code token}, ignoring case (as for Connection). */
    boolean hasToken(String name, String token) {
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
