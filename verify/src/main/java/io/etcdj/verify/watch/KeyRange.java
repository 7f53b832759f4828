package io.etcdj.verify.watch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The keys a watch covers, in etcd's terms: one key, a prefix, {@code [key, rangeEnd)}, or every key from
 * {@code key} on ({@code range_end = "\0"}). Keys compare as etcd compares them, byte-wise on their UTF-8 form.
 */
public sealed interface KeyRange {

    boolean contains(String key);

    /** Whether the range covers every key. */
    default boolean coversAllKeys() {
        return false;
    }

    static KeyRange single(String key) {
        return new Single(key);
    }

    static KeyRange prefix(String prefix) {
        return new Prefix(prefix);
    }

    static KeyRange interval(String from, String toExclusive) {
        return new Interval(from, toExclusive);
    }

    static KeyRange fromKey(String from) {
        return new FromKey(from);
    }

    static KeyRange allKeys() {
        return new FromKey("");
    }

    record Single(String key) implements KeyRange {
        public Single {
            Objects.requireNonNull(key);
        }

        @Override
        public boolean contains(String k) {
            return key.equals(k);
        }
    }

    record Prefix(String prefix) implements KeyRange {
        public Prefix {
            Objects.requireNonNull(prefix);
        }

        @Override
        public boolean contains(String k) {
            return k.startsWith(prefix);
        }

        @Override
        public boolean coversAllKeys() {
            return prefix.isEmpty();
        }
    }

    record Interval(String from, String toExclusive) implements KeyRange {
        public Interval {
            Objects.requireNonNull(from);
            Objects.requireNonNull(toExclusive);
        }

        @Override
        public boolean contains(String k) {
            return compare(from, k) <= 0 && compare(k, toExclusive) < 0;
        }
    }

    record FromKey(String from) implements KeyRange {
        public FromKey {
            Objects.requireNonNull(from);
        }

        @Override
        public boolean contains(String k) {
            return compare(from, k) <= 0;
        }

        @Override
        public boolean coversAllKeys() {
            return from.isEmpty();
        }
    }

    private static int compare(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
