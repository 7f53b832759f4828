package io.etcdj.verify.kv;

import io.etcdj.verify.linearizability.Model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * etcd's whole key-value store with its global revision: every write that changes something takes the next
 * revision (a put always; a delete only of a present key; a compare-and-set only when it succeeds), and every
 * answer is checked field by field, header revision included. Not partitionable; see the package documentation
 * for the cost. All keys start absent at {@code initialRevision}, which the test reads before it starts.
 */
public final class KvStoreModel implements Model<KvStoreModel.Store, KvOp, KvResult> {

    /** One present key as etcd's {@code mvccpb.KeyValue} holds it. */
    public record Entry(String value, long createRevision, long modRevision, long version) {
    }

    /** The store: its revision and its present keys. Immutable; writes copy it (stores in tests are small). */
    public static final class Store {
        private final long revision;
        private final Map<String, Entry> keys;
        private final int hash;

        Store(long revision, Map<String, Entry> keys) {
            this.revision = revision;
            this.keys = Collections.unmodifiableMap(keys);
            this.hash = Long.hashCode(revision) * 31 + keys.hashCode();
        }

        public long revision() {
            return revision;
        }

        public Map<String, Entry> keys() {
            return keys;
        }

        private Store put(String key, String value) {
            long next = revision + 1;
            Entry old = keys.get(key);
            TreeMap<String, Entry> copy = new TreeMap<>(keys);
            copy.put(key, old == null ? new Entry(value, next, next, 1)
                    : new Entry(value, old.createRevision(), next, old.version() + 1));
            return new Store(next, copy);
        }

        private Store delete(String key) {
            TreeMap<String, Entry> copy = new TreeMap<>(keys);
            copy.remove(key);
            return new Store(revision + 1, copy);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Store s && hash == s.hash && revision == s.revision && keys.equals(s.keys);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("rev ").append(revision).append(" {");
            keys.forEach((k, e) -> text.append(' ').append(k).append('=').append(e.value()).append("(c")
                    .append(e.createRevision()).append(" m").append(e.modRevision()).append(" v")
                    .append(e.version()).append(')'));
            return text.append(" }").toString();
        }
    }

    private final long initialRevision;

    /** A model of a store whose revision is {@code initialRevision} when the history starts. */
    public KvStoreModel(long initialRevision) {
        if (initialRevision < 1) {
            throw new IllegalArgumentException("etcd revisions start at 1: " + initialRevision);
        }
        this.initialRevision = initialRevision;
    }

    @Override
    public Store initialState() {
        return new Store(initialRevision, new TreeMap<>());
    }

    @Override
    public Optional<Store> step(Store state, KvOp input, KvResult output) {
        return switch (input) {
            case KvOp.Put put -> {
                Store after = state.put(put.key(), put.value());
                yield accept(after, output == null
                        || output instanceof KvResult.PutResult r && r.revision() == after.revision());
            }
            case KvOp.Get get -> {
                Entry entry = state.keys().get(get.key());
                KvResult.GetResult expected = entry == null ? KvResult.GetResult.absent(state.revision())
                        : new KvResult.GetResult(entry.value(), entry.createRevision(), entry.modRevision(),
                        entry.version(), state.revision());
                yield accept(state, output == null || expected.equals(output));
            }
            case KvOp.Delete delete -> {
                boolean present = state.keys().containsKey(delete.key());
                Store after = present ? state.delete(delete.key()) : state;
                yield accept(after, output == null || output instanceof KvResult.DeleteResult r
                        && r.deleted() == (present ? 1 : 0) && r.revision() == after.revision());
            }
            case KvOp.CompareAndSet cas -> {
                Entry entry = state.keys().get(cas.key());
                boolean holds = cas.expected() == null ? entry == null
                        : entry != null && Objects.equals(cas.expected(), entry.value());
                Store after = holds ? state.put(cas.key(), cas.value()) : state;
                yield accept(after, output == null || output instanceof KvResult.CasResult r
                        && r.succeeded() == holds && r.revision() == after.revision());
            }
        };
    }

    private static Optional<Store> accept(Store after, boolean outputMatches) {
        return outputMatches ? Optional.of(after) : Optional.empty();
    }

    @Override
    public boolean isReadOnly(KvOp input) {
        return input instanceof KvOp.Get;
    }
}
