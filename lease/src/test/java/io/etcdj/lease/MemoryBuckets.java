package io.etcdj.lease;

import io.etcdj.spi.store.KeyValueVisitor;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Just enough of a backend for the lessor: buckets of unsigned-ordered keys, batches applied on
 * {@link #commit}, and a read view over the committed state (a copy, so a point in time).
 */
final class MemoryBuckets {
    private final Map<String, NavigableMap<byte[], byte[]>> buckets = new HashMap<>();

    NavigableMap<byte[], byte[]> bucket(String name) {
        return buckets.computeIfAbsent(name, n -> new TreeMap<>(Arrays::compareUnsigned));
    }

    Batch newBatch() {
        return new Batch();
    }

    void commit(Batch batch) {
        for (Op op : batch.ops) {
            if (op.value() == null) {
                bucket(op.bucket()).remove(op.key());
            } else {
                bucket(op.bucket()).put(op.key(), op.value());
            }
        }
    }

    ReadView readView() {
        Map<String, NavigableMap<byte[], byte[]>> copy = new HashMap<>();
        buckets.forEach((name, b) -> {
            NavigableMap<byte[], byte[]> c = new TreeMap<>(Arrays::compareUnsigned);
            c.putAll(b);
            copy.put(name, c);
        });
        return new ReadView() {
            @Override
            public byte[] get(String bucket, byte[] key) {
                NavigableMap<byte[], byte[]> b = copy.get(bucket);
                return b == null ? null : b.get(key);
            }

            @Override
            public void scan(String bucket, byte[] from, byte[] to, KeyValueVisitor visitor) {
                NavigableMap<byte[], byte[]> b = copy.getOrDefault(bucket, new TreeMap<>(Arrays::compareUnsigned));
                NavigableMap<byte[], byte[]> span = to == null ? b.tailMap(from, true) : b.subMap(from, true, to, false);
                for (Map.Entry<byte[], byte[]> e : span.entrySet()) {
                    if (!visitor.visit(e.getKey().clone(), e.getValue().clone())) {
                        return;
                    }
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /** Writes the lessor's changes and commits them, as the server's apply does. */
    int persist(Lessor lessor) {
        Batch batch = newBatch();
        int rows = lessor.writeChanges(batch);
        commit(batch);
        return rows;
    }

    /** A put, or a delete when {@code value} is null. */
    record Op(String bucket, byte[] key, byte[] value) {
    }

    static final class Batch implements WriteBatch {
        final List<Op> ops = new ArrayList<>();

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
