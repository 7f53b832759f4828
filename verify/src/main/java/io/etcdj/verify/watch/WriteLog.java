package io.etcdj.verify.watch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the test knows happened to the store: the reference the watch checker compares streams with.
 *
 * <p>It starts at a base revision, at which the given {@linkplain Builder#existing existing} keys are present and
 * every other key is absent. A {@linkplain Builder#committed committed} revision lists every key that revision
 * changed (a put, or a delete of a present key: a txn changes several keys at one revision). An
 * {@linkplain Builder#uncertain uncertain} write is one whose outcome the client never learned: it took one
 * revision after the base, or none.
 */
public final class WriteLog {

    private final long baseRevision;
    private final Map<String, KeyValue> existing;
    private final NavigableMap<Long, List<Change>> committed;
    private final List<List<Change>> uncertain;

    private WriteLog(Builder builder) {
        this.baseRevision = builder.baseRevision;
        this.existing = Collections.unmodifiableMap(new LinkedHashMap<>(builder.existing));
        this.committed = Collections.unmodifiableNavigableMap(new TreeMap<>(builder.committed));
        this.uncertain = List.copyOf(builder.uncertain);
    }

    /** A log whose first write of interest comes after {@code baseRevision}. */
    public static Builder builder(long baseRevision) {
        return new Builder(baseRevision);
    }

    public long baseRevision() {
        return baseRevision;
    }

    /** Keys present at the base revision. */
    public Map<String, KeyValue> existing() {
        return existing;
    }

    /** Known revisions and the changes each made. */
    public NavigableMap<Long, List<Change>> committed() {
        return committed;
    }

    /** Writes of unknown outcome, each the changes of one request. */
    public List<List<Change>> uncertain() {
        return uncertain;
    }

    /** Collects the log; not thread-safe (build it after the clients stopped, or guard it). */
    public static final class Builder {
        private final long baseRevision;
        private final Map<String, KeyValue> existing = new LinkedHashMap<>();
        private final Map<Long, List<Change>> committed = new TreeMap<>();
        private final List<List<Change>> uncertain = new ArrayList<>();

        private Builder(long baseRevision) {
            if (baseRevision < 0) {
                throw new IllegalArgumentException("negative base revision: " + baseRevision);
            }
            this.baseRevision = baseRevision;
        }

        /** A key present at the base revision. */
        public Builder existing(KeyValue kv) {
            if (kv.modRevision() > baseRevision || kv.createRevision() > kv.modRevision() || kv.version() < 1) {
                throw new IllegalArgumentException("not a key-value present at base revision " + baseRevision
                        + ": " + kv);
            }
            existing.put(kv.key(), kv);
            return this;
        }

        /** The write that made {@code revision}: every key it changed. */
        public Builder committed(long revision, Change... changes) {
            if (revision <= baseRevision) {
                throw new IllegalArgumentException("revision " + revision + " is not after the base revision "
                        + baseRevision);
            }
            if (committed.containsKey(revision)) {
                throw new IllegalArgumentException("revision " + revision + " is already logged");
            }
            committed.put(revision, distinctKeys(changes));
            return this;
        }

        /** A write that may or may not have taken effect, with every change it would make. */
        public Builder uncertain(Change... changes) {
            uncertain.add(distinctKeys(changes));
            return this;
        }

        public WriteLog build() {
            return new WriteLog(this);
        }

        private static List<Change> distinctKeys(Change... changes) {
            if (changes.length == 0) {
                throw new IllegalArgumentException("a write changes at least one key");
            }
            Set<String> keys = new HashSet<>();
            for (Change change : changes) {
                if (!keys.add(change.key())) {
                    // etcd refuses a txn that writes one key twice ("duplicate key given in txn request").
                    throw new IllegalArgumentException("one write changes key " + change.key() + " twice");
                }
            }
            return List.of(changes);
        }
    }
}
