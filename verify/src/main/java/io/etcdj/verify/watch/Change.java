package io.etcdj.verify.watch;

import java.util.Objects;

/**
 * One key changed by a write: a put of a value or a delete.
 *
 * @param value the value put; {@code ""} for a delete
 */
public record Change(EventType type, String key, String value) {

    public Change {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (type == EventType.DELETE && !value.isEmpty()) {
            throw new IllegalArgumentException("a delete has no value");
        }
    }

    public static Change put(String key, String value) {
        return new Change(EventType.PUT, key, value);
    }

    public static Change delete(String key) {
        return new Change(EventType.DELETE, key, "");
    }

    /** Whether {@code event} reports this change (revisions and prev_kv aside). */
    boolean describes(WatchEvent event) {
        return event.type() == type && event.key().equals(key)
                && (type == EventType.DELETE || event.kv().value().equals(value));
    }

    @Override
    public String toString() {
        return type == EventType.PUT ? "put " + key + "=" + value : "delete " + key;
    }
}
