package io.etcdj.store.rocks;

import io.etcdj.spi.store.WriteBatch;
import java.util.Objects;
import org.rocksdb.RocksDBException;

/**
 * Operations gathered in a native RocksDB write batch, which RocksDB applies atomically and in
 * order (so a later operation on a key wins). Not thread-safe, like every batch.
 */
final class RocksWriteBatch implements WriteBatch {
    private enum State { OPEN, COMMITTED, CLOSED }

    private final RocksBackend owner;
    private final RocksBuckets buckets;
    private final org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch();
    private int size;
    private State state = State.OPEN;

    RocksWriteBatch(RocksBackend owner, RocksBuckets buckets) {
        this.owner = owner;
        this.buckets = buckets;
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        ensureOpen();
        try {
            batch.put(buckets.handle(bucket), key, value);
        } catch (RocksDBException e) {
            throw RocksErrors.unchecked("put into batch", e);
        }
        size++;
    }

    @Override
    public void delete(String bucket, byte[] key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        try {
            batch.delete(buckets.handle(bucket), key);
        } catch (RocksDBException e) {
            throw RocksErrors.unchecked("delete in batch", e);
        }
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    /** Hands the native batch to its backend's commit, once. */
    org.rocksdb.WriteBatch takeForCommit(RocksBackend committer) {
        if (committer != owner) {
            throw new IllegalArgumentException("batch belongs to another backend");
        }
        ensureOpen();
        state = State.COMMITTED;
        return batch;
    }

    /** Frees the native batch; discards it when it was not committed. */
    @Override
    public void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            batch.close();
        }
    }

    private void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("batch is " + state.name().toLowerCase() + " and cannot be used");
        }
    }
}
