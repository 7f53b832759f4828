package io.etcdj.spi.store;

import java.io.IOException;

/**
 * An ordered byte-key store with named buckets.
 *
 * <p>Contract (checked by the shared suite in {@code etcdj-testkit}, which every plugin runs):
 * <ul>
 *   <li>Keys within a bucket are ordered by unsigned lexicographic byte order. Keys are 1 to
 *       {@link #MAX_KEY_BYTES} bytes; values may be large (at least 2 MiB).</li>
 *   <li>{@link #commit(WriteBatch)} is atomic: after a crash either all of a batch is visible or
 *       none of it, and batches become visible in commit order.</li>
 *   <li>A {@link ReadView} sees one point in time: commits made after it was opened are invisible
 *       to it, however long it lives.</li>
 *   <li>Commit need not be durable; {@link #sync()} makes every commit so far durable. The server
 *       relies on its WAL for durability and syncs the backend before it truncates the WAL.</li>
 *   <li>Writes are issued by one thread at a time; read views may be used from any thread
 *       concurrently with writes.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {
    /** The largest key every backend must accept (LMDB's default limit). */
    int MAX_KEY_BYTES = 511;

    /** Opens a consistent read view; the caller must close it. */
    ReadView readView();

    /** A new empty batch; nothing happens until it is committed. */
    WriteBatch newBatch();

    /** Applies the batch atomically; afterwards new read views see it. The batch may not be reused. */
    void commit(WriteBatch batch) throws IOException;

    /** Makes every committed batch durable (fsync). */
    void sync() throws IOException;

    /** Sizes for quota and {@code Status}. */
    BackendStats stats();

    /**
     * Reclaims free space (etcd's {@code Defragment}). Blocks writers while it runs; the default
     * does nothing, which is correct for stores that compact in the background.
     */
    default void defragment() throws IOException {
    }

    /** Syncs and releases every resource; open read views become invalid. */
    @Override
    void close() throws IOException;
}
