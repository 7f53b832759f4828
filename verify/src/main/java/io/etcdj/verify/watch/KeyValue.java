package io.etcdj.verify.watch;

import java.util.Objects;

/**
 * A key-value as etcd's {@code mvccpb.KeyValue} carries it in a watch event (lease left out). A delete event
 * carries a tombstone: the key, its deletion revision as mod revision, an empty value and zeros elsewhere.
 */
public record KeyValue(String key, String value, long createRevision, long modRevision, long version) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** The key-value of the delete event of {@code key} at {@code revision}. */
    public static KeyValue tombstone(String key, long revision) {
        return new KeyValue(key, "", 0, revision, 0);
    }

    @Override
    public String toString() {
        return key + "=" + value + "(c" + createRevision + " m" + modRevision + " v" + version + ")";
    }
}
