package io.etcdj.verify.kv;

import io.etcdj.verify.linearizability.Model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * etcd's key-value store as independent registers, one per key, holding values only (revisions are ignored);
 * partitioned by key. See the package documentation for what this model cannot see. Every key starts absent.
 * The state holds all keys, so the model stays correct when the checker's partitioning is turned off; partitioned,
 * each state holds a single key.
 */
public final class KvRegisterModel implements Model<KvRegisterModel.Registers, KvOp, KvResult> {

    /** The present keys and their values. Immutable; the hash is cached because the search hashes states often. */
    public static final class Registers {
        private final Map<String, String> values;
        private final int hash;

        private Registers(Map<String, String> values) {
            this.values = Collections.unmodifiableMap(values);
            this.hash = values.hashCode();
        }

        /** The value of {@code key}, {@code null} when absent. */
        public String get(String key) {
            return values.get(key);
        }

        /** The present keys and their values. */
        public Map<String, String> values() {
            return values;
        }

        Registers with(String key, String value) {
            TreeMap<String, String> copy = new TreeMap<>(values);
            if (value == null) {
                copy.remove(key);
            } else {
                copy.put(key, value);
            }
            return new Registers(copy);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Registers r && hash == r.hash && values.equals(r.values);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }

    @Override
    public Registers initialState() {
        return new Registers(new TreeMap<>());
    }

    @Override
    public Optional<Registers> step(Registers state, KvOp input, KvResult output) {
        String current = state.get(input.key());
        return switch (input) {
            case KvOp.Put put -> output == null || output instanceof KvResult.PutResult
                    ? Optional.of(state.with(put.key(), put.value())) : Optional.empty();
            case KvOp.Get get -> output == null
                    || output instanceof KvResult.GetResult read && Objects.equals(read.value(), current)
                    ? Optional.of(state) : Optional.empty();
            case KvOp.Delete delete -> output == null
                    || output instanceof KvResult.DeleteResult deleted && deleted.deleted() == (current == null ? 0 : 1)
                    ? Optional.of(state.with(delete.key(), null)) : Optional.empty();
            case KvOp.CompareAndSet cas -> {
                boolean holds = Objects.equals(cas.expected(), current);
                if (output != null && !(output instanceof KvResult.CasResult answer && answer.succeeded() == holds)) {
                    yield Optional.empty();
                }
                yield Optional.of(holds ? state.with(cas.key(), cas.value()) : state);
            }
        };
    }

    @Override
    public boolean isReadOnly(KvOp input) {
        return input instanceof KvOp.Get;
    }

    @Override
    public Object partitionKey(KvOp input) {
        return input.key();
    }
}
