package io.etcdj.verify.kv;

import java.util.Objects;

/** An etcd key-value operation, the input of the KV models. Keys and values are strings (UTF-8 of the bytes). */
public sealed interface KvOp {

    /** The single key the operation touches. */
    String key();

    /** {@code Put(key, value)}; answered by {@link KvResult.PutResult}. */
    record Put(String key, String value) implements KvOp {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "put(" + key + ", " + value + ")";
        }
    }

    /** A linearizable {@code Range} of one key at the current revision; answered by {@link KvResult.GetResult}. */
    record Get(String key) implements KvOp {
        public Get {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "get(" + key + ")";
        }
    }

    /** {@code DeleteRange} of one key; answered by {@link KvResult.DeleteResult}. */
    record Delete(String key) implements KvOp {
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "delete(" + key + ")";
        }
    }

    /**
     * {@code Txn(If(value(key) == expected), Then(Put(key, value)))}; with {@code expected == null} the compare is
     * {@code create_revision(key) == 0}, i.e. put only if absent. Answered by {@link KvResult.CasResult}.
     */
    record CompareAndSet(String key, String expected, String value) implements KvOp {
        public CompareAndSet {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "cas(" + key + ", " + (expected == null ? "<absent>" : expected) + " -> " + value + ")";
        }
    }

    static Put put(String key, String value) {
        return new Put(key, value);
    }

    static Get get(String key) {
        return new Get(key);
    }

    static Delete delete(String key) {
        return new Delete(key);
    }

    static CompareAndSet cas(String key, String expected, String value) {
        return new CompareAndSet(key, expected, value);
    }
}
