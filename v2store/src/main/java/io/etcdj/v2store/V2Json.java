package io.etcdj.v2store;

/**
 * Encodes v2 responses byte-for-byte as etcd 3.4 does with Go's {@code encoding/json}: struct field
 * order, {@code omitempty} rules, HTML-safe string escaping, RFC3339Nano UTC times.
 *
 * <p>How etcd's v2 HTTP API frames these (etcdserver/api/v2http/client.go): events and watch events
 * go through {@code json.NewEncoder(w).Encode}, which appends {@code "\n"}; errors through
 * {@code v2error.Error.WriteTo}, which also appends {@code "\n"}; {@code /v2/stats/store} writes
 * {@link #stats} bytes with no newline. The methods here return the JSON without any newline.
 */
public final class V2Json {
    private V2Json() {
    }

    /**
     * An event: {@code {"action":..,"node":..,"prevNode":..,"refresh":true}} with node/prevNode
     * omitted when null and refresh omitted when false; {@code etcdIndex} is never encoded.
     */
    public static String event(Event e) {
        StringBuilder b = new StringBuilder(128);
        appendEvent(b, e);
        return b.toString();
    }

    /**
     * A node: fields key, value, dir, expiration, ttl, nodes, modifiedIndex, createdIndex, each
     * omitted when empty ("" key, null value, false, null, 0, no nodes, 0, 0); an empty value is kept.
     */
    public static String node(NodeExtern n) {
        StringBuilder b = new StringBuilder(96);
        appendNode(b, n);
        return b.toString();
    }

    /** An error: {@code {"errorCode":100,"message":"Key not found","cause":"/foo","index":3}}; cause omitted when empty. */
    public static String error(V2Error err) {
        StringBuilder b = new StringBuilder(96);
        b.append("{\"errorCode\":").append(err.errorCode()).append(",\"message\":");
        GoJson.appendString(b, err.etcdMessage());
        if (!err.cause().isEmpty()) {
            b.append(",\"cause\":");
            GoJson.appendString(b, err.cause());
        }
        b.append(",\"index\":");
        GoJson.appendUnsigned(b, err.index());
        return b.append('}').toString();
    }

    /** The {@code /v2/stats/store} body. */
    public static String stats(StoreStats s) {
        return "{\"getsSuccess\":" + u(s.getsSuccess())
                + ",\"getsFail\":" + u(s.getsFail())
                + ",\"setsSuccess\":" + u(s.setsSuccess())
                + ",\"setsFail\":" + u(s.setsFail())
                + ",\"deleteSuccess\":" + u(s.deleteSuccess())
                + ",\"deleteFail\":" + u(s.deleteFail())
                + ",\"updateSuccess\":" + u(s.updateSuccess())
                + ",\"updateFail\":" + u(s.updateFail())
                + ",\"createSuccess\":" + u(s.createSuccess())
                + ",\"createFail\":" + u(s.createFail())
                + ",\"compareAndSwapSuccess\":" + u(s.compareAndSwapSuccess())
                + ",\"compareAndSwapFail\":" + u(s.compareAndSwapFail())
                + ",\"compareAndDeleteSuccess\":" + u(s.compareAndDeleteSuccess())
                + ",\"compareAndDeleteFail\":" + u(s.compareAndDeleteFail())
                + ",\"expireCount\":" + u(s.expireCount())
                + ",\"watchers\":" + u(s.watchers()) + "}";
    }

    static void appendEvent(StringBuilder b, Event e) {
        b.append("{\"action\":");
        GoJson.appendString(b, e.action().wireName());
        if (e.node() != null) {
            b.append(",\"node\":");
            appendNode(b, e.node());
        }
        if (e.prevNode() != null) {
            b.append(",\"prevNode\":");
            appendNode(b, e.prevNode());
        }
        if (e.refresh()) {
            b.append(",\"refresh\":true");
        }
        b.append('}');
    }

    static void appendNode(StringBuilder b, NodeExtern n) {
        int start = b.length();
        b.append('{');
        if (!n.key().isEmpty()) {
            comma(b, start).append("\"key\":");
            GoJson.appendString(b, n.key());
        }
        if (n.value() != null) {
            comma(b, start).append("\"value\":");
            GoJson.appendString(b, n.value());
        }
        if (n.dir()) {
            comma(b, start).append("\"dir\":true");
        }
        if (n.expiration() != null) {
            comma(b, start).append("\"expiration\":\"").append(GoTime.rfc3339Nano(n.expiration())).append('"');
        }
        if (n.ttl() != 0) {
            comma(b, start).append("\"ttl\":").append(n.ttl());
        }
        if (!n.nodes().isEmpty()) {
            comma(b, start).append("\"nodes\":[");
            for (int i = 0; i < n.nodes().size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                appendNode(b, n.nodes().get(i));
            }
            b.append(']');
        }
        if (n.modifiedIndex() != 0) {
            comma(b, start).append("\"modifiedIndex\":");
            GoJson.appendUnsigned(b, n.modifiedIndex());
        }
        if (n.createdIndex() != 0) {
            comma(b, start).append("\"createdIndex\":");
            GoJson.appendUnsigned(b, n.createdIndex());
        }
        b.append('}');
    }

    private static StringBuilder comma(StringBuilder b, int objectStart) {
        if (b.length() > objectStart + 1) {
            b.append(',');
        }
        return b;
    }

    private static String u(long v) {
        return Long.toUnsignedString(v);
    }
}
