package io.etcdj.store.lmdb;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Operations buffered in memory until commit, when the backend applies them in order in one
 * LMDB write transaction (so they land all together, and a later operation on a key wins).
 * Keys and values are copied on entry. Not thread-safe, like every batch.
 */
final class LmdbWriteBatch implements WriteBatch {
    /** One buffered operation; a null value is a delete. */
    record Op(String bucket, byte[] key, byte[] value) {
    }

    private enum State { OPEN, COMMITTED, CLOSED }

    private final LmdbBackend owner;
    private final Set<String> buckets;
    private final List<Op> ops = new ArrayList<>();
    private State state = State.OPEN;

    LmdbWriteBatch(LmdbBackend owner, Set<String> buckets) {
        this.owner = owner;
        this.buckets = buckets;
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
        Objects.requireNonNull(value, "value");
        add(bucket, key, value.clone());
    }

    @Override
    public void delete(String bucket, byte[] key) {
        add(bucket, key, null);
    }

    private void add(String bucket, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        if (!buckets.contains(bucket)) {
            throw new IllegalArgumentException("unknown bucket '" + bucket + "'; open buckets: " + buckets);
        }
        if (key.length == 0 || key.length > Backend.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("lmdb keys are 1.." + Backend.MAX_KEY_BYTES + " bytes, got " + key.length);
        }
        ops.add(new Op(bucket, key.clone(), value));
    }

    @Override
    public int size() {
        return ops.size();
    }

    /** Hands the operations to their backend's commit, once. */
    List<Op> takeForCommit(LmdbBackend committer) {
        if (committer != owner) {
            throw new IllegalArgumentException("batch belongs to another backend");
        }
        ensureOpen();
        state = State.COMMITTED;
        return ops;
    }

    /** Discards the operations when they were not committed. */
    @Override
    public void close() {
        state = State.CLOSED;
        ops.clear();
    }

    private void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("batch is " + state.name().toLowerCase() + " and cannot be used");
        }
    }
}
