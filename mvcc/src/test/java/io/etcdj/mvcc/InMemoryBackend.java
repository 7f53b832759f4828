package io.etcdj.mvcc;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendStats;
import io.etcdj.spi.store.KeyValueVisitor;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link Backend} in memory for tests, honoring the SPI contract: buckets ordered by unsigned
 * bytes, atomic commits, and read views that see one point in time (each commit publishes new
 * copies of the buckets it touches; a view keeps the copies it opened with). Survives a
 * {@link MvccStore} being closed and reopened on it, which is how tests simulate a restart.
 */
public final class InMemoryBackend implements Backend {
    /** One gathered write: a put when {@code value} is non-null, else a delete. */
    public record Op(String bucket, byte[] key, byte[] value) {
    }

    private volatile Map<String, NavigableMap<byte[], byte[]>> state;
    private final AtomicInteger openViews = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private volatile Predicate<List<Op>> commitFilter = ops -> true;
    private volatile boolean closed;

    public InMemoryBackend(List<String> buckets) {
        Map<String, NavigableMap<byte[], byte[]>> initial = new HashMap<>();
        for (String bucket : buckets) {
            initial.put(bucket, new TreeMap<>(Arrays::compareUnsigned));
        }
        state = Map.copyOf(initial);
    }

    /** A backend with the store's buckets. */
    public static InMemoryBackend forStore() {
        return new InMemoryBackend(MvccStore.BUCKETS);
    }

    /** Commits whose operations fail the filter throw IOException and change nothing. */
    public void failCommitsUnless(Predicate<List<Op>> filter) {
        commitFilter = filter;
    }

    public int openViews() {
        return openViews.get();
    }

    public int commits() {
        return commits.get();
    }

    /** A copy of the committed content of {@code bucket}. */
    public NavigableMap<byte[], byte[]> snapshot(String bucket) {
        NavigableMap<byte[], byte[]> copy = new TreeMap<>(Arrays::compareUnsigned);
        copy.putAll(state.get(bucket));
        return copy;
    }

    /**
     * Replaces this backend's contents with {@code source}'s committed ones in place, as the
     * server installs a leader's snapshot: deletes every record of every bucket, then writes the
     * source's records of the buckets this backend has, {@code batchSize} operations per commit,
     * then syncs.
     */
    public void replaceWith(InMemoryBackend source, int batchSize) throws IOException {
        List<Op> ops = new ArrayList<>();
        for (Map.Entry<String, NavigableMap<byte[], byte[]>> bucket : state.entrySet()) {
            for (byte[] key : bucket.getValue().keySet()) {
                ops.add(new Op(bucket.getKey(), key, null));
            }
        }
        Map<String, NavigableMap<byte[], byte[]>> copied = source.state;
        for (String bucket : state.keySet()) {
            NavigableMap<byte[], byte[]> records = copied.get(bucket);
            if (records != null) {
                records.forEach((key, value) -> ops.add(new Op(bucket, key, value)));
            }
        }
        for (int from = 0; from < ops.size(); from += batchSize) {
            WriteBatch batch = newBatch();
            for (Op op : ops.subList(from, Math.min(ops.size(), from + batchSize))) {
                if (op.value() == null) {
                    batch.delete(op.bucket(), op.key());
                } else {
                    batch.put(op.bucket(), op.key(), op.value());
                }
            }
            commit(batch);
        }
        sync();
    }

    @Override
    public ReadView readView() {
        checkOpen();
        openViews.incrementAndGet();
        Map<String, NavigableMap<byte[], byte[]>> seen = state;
        return new ReadView() {
            private boolean viewClosed;

            @Override
            public byte[] get(String bucket, byte[] key) {
                byte[] value = bucket(seen, bucket).get(key);
                return value == null ? null : value.clone();
            }

            @Override
            public void scan(String bucket, byte[] from, byte[] to, KeyValueVisitor visitor) {
                NavigableMap<byte[], byte[]> b = bucket(seen, bucket);
                NavigableMap<byte[], byte[]> span;
                if (to == null) {
                    span = b.tailMap(from, true);
                } else if (Arrays.compareUnsigned(from, to) >= 0) {
                    return;
                } else {
                    span = b.subMap(from, true, to, false);
                }
                for (Map.Entry<byte[], byte[]> e : span.entrySet()) {
                    if (!visitor.visit(e.getKey().clone(), e.getValue().clone())) {
                        return;
                    }
                }
            }

            @Override
            public synchronized void close() {
                if (!viewClosed) {
                    viewClosed = true;
                    openViews.decrementAndGet();
                }
            }
        };
    }

    @Override
    public WriteBatch newBatch() {
        checkOpen();
        return new Batch();
    }

    @Override
    public synchronized void commit(WriteBatch batch) throws IOException {
        checkOpen();
        List<Op> ops = ((Batch) batch).ops;
        if (!commitFilter.test(List.copyOf(ops))) {
            throw new IOException("commit refused by the test");
        }
        Map<String, NavigableMap<byte[], byte[]>> next = new HashMap<>(state);
        Map<String, NavigableMap<byte[], byte[]>> copied = new HashMap<>();
        for (Op op : ops) {
            NavigableMap<byte[], byte[]> b = copied.computeIfAbsent(op.bucket(), name -> {
                NavigableMap<byte[], byte[]> copy = new TreeMap<>(Arrays::compareUnsigned);
                copy.putAll(bucket(state, name));
                return copy;
            });
            if (op.value() == null) {
                b.remove(op.key());
            } else {
                b.put(op.key(), op.value());
            }
        }
        next.putAll(copied);
        state = Map.copyOf(next);
        commits.incrementAndGet();
    }

    @Override
    public void sync() {
    }

    @Override
    public BackendStats stats() {
        long size = state.values().stream()
                .flatMap(b -> b.entrySet().stream())
                .mapToLong(e -> e.getKey().length + e.getValue().length)
                .sum();
        return new BackendStats(size + 1, size);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("backend closed");
        }
    }

    private static NavigableMap<byte[], byte[]> bucket(Map<String, NavigableMap<byte[], byte[]>> state, String name) {
        NavigableMap<byte[], byte[]> b = state.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no bucket " + name);
        }
        return b;
    }

    private static final class Batch implements WriteBatch {
        private final List<Op> ops = new ArrayList<>();

        @Override
        public void put(String bucket, byte[] key, byte[] value) {
            ops.add(new Op(bucket, key.clone(), value.clone()));
        }

        @Override
        public void delete(String bucket, byte[] key) {
            ops.add(new Op(bucket, key.clone(), null));
        }

        @Override
        public int size() {
            return ops.size();
        }

        @Override
        public void close() {
        }
    }
}
