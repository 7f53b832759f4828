package io.etcdj.benchmark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one machine-readable line a run ends with: {@code RESULT {json}} with a flat object of
 * strings, numbers and booleans in insertion order. Latencies are in milliseconds.
 */
final class ResultLine {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    ResultLine put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    /** The standard fields of one measured phase: op, total, succeeded, rps, percentiles, errors. */
    static ResultLine of(String op, Measurement m) {
        LatencyHistogram.Snapshot lat = m.latencies();
        return new ResultLine()
                .put("op", op)
                .put("total", m.issued())
                .put("succeeded", lat.count())
                .put("errors", m.errorCount())
                .put("seconds", m.elapsed().toNanos() / 1e9)
                .put("rps", m.requestsPerSecond())
                .put("avg_ms", lat.mean() / 1e6)
                .put("p50_ms", lat.percentile(50) / 1e6)
                .put("p90_ms", lat.percentile(90) / 1e6)
                .put("p99_ms", lat.percentile(99) / 1e6)
                .put("p999_ms", lat.percentile(99.9) / 1e6)
                .put("max_ms", lat.max() / 1e6)
                .put("timed_out", m.timedOut());
    }

    @Override
    public String toString() {
        StringBuilder json = new StringBuilder("RESULT {");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            quote(json, e.getKey());
            json.append(':');
            Object v = e.getValue();
            if (v instanceof Double d) {
                json.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "null");
            } else if (v instanceof Number || v instanceof Boolean) {
                json.append(v);
            } else {
                quote(json, String.valueOf(v));
            }
        }
        return json.append('}').toString();
    }

    private static void quote(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
