package io.etcdj.verify.watch;

import java.util.Objects;

/**
 * One event of a watch response.
 *
 * @param type   put or delete
 * @param kv     the key-value after the event (a {@link KeyValue#tombstone} for a delete); its mod revision is the
 *               event's revision
 * @param prevKv the key-value before the event, {@code null} when the watch did not ask for it or the key was
 *               absent
 */
public record WatchEvent(EventType type, KeyValue kv, KeyValue prevKv) {

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    public static WatchEvent put(KeyValue kv) {
        return new WatchEvent(EventType.PUT, kv, null);
    }

    public static WatchEvent delete(String key, long revision) {
        return new WatchEvent(EventType.DELETE, KeyValue.tombstone(key, revision), null);
    }

    /** This event with {@code prevKv} attached. */
    public WatchEvent withPrevKv(KeyValue prevKv) {
        return new WatchEvent(type, kv, prevKv);
    }

    public long revision() {
        return kv.modRevision();
    }

    public String key() {
        return kv.key();
    }

    @Override
    public String toString() {
        return type + " " + kv + (prevKv == null ? "" : " prev " + prevKv);
    }
}
