package io.etcdj.store.rocks;

import io.etcdj.spi.store.KeyValueVisitor;
import io.etcdj.spi.store.ReadView;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * A read view pinned to a RocksDB snapshot. Gets share one {@link ReadOptions}; every scan gets
 * its own options (for its upper bound) and iterator, so concurrent reads do not interfere. A lock
 * keeps {@link #close()} from freeing the snapshot under a read in flight.
 */
final class RocksReadView implements ReadView {
    private final RocksDB db;
    private final RocksBuckets buckets;
    private final Snapshot snapshot;
    private final ReadOptions getOptions;
    private final Consumer<RocksReadView> onClose;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    RocksReadView(RocksDB db, RocksBuckets buckets, Consumer<RocksReadView> onClose) {
        this.db = db;
        this.buckets = buckets;
        this.onClose = onClose;
        this.snapshot = db.getSnapshot();
        this.getOptions = new ReadOptions().setSnapshot(snapshot);
    }

    @Override
    public byte[] get(String bucket, byte[] key) {
        Objects.requireNonNull(key, "key");
        lock.readLock().lock();
        try {
            ensureOpen();
            return db.get(buckets.handle(bucket), getOptions, key);
        } catch (RocksDBException e) {
            throw RocksErrors.unchecked("get from bucket " + bucket, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void scan(String bucket, byte[] from, byte[] to, KeyValueVisitor visitor) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(visitor, "visitor");
        lock.readLock().lock();
        try {
            ensureOpen();
            var handle = buckets.handle(bucket);
            if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
                return;
            }
            // Closed in reverse order: the iterator before the options, the options before the bound.
            try (Slice upperBound = to == null ? null : new Slice(to);
                 ReadOptions options = scanOptions(upperBound);
                 RocksIterator it = db.newIterator(handle, options)) {
                for (it.seek(from); it.isValid(); it.next()) {
                    if (!visitor.visit(it.key(), it.value())) {
                        return;
                    }
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw RocksErrors.unchecked("scan of bucket " + bucket, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private ReadOptions scanOptions(Slice upperBound) {
        ReadOptions options = new ReadOptions().setSnapshot(snapshot);
        if (upperBound != null) {
            options.setIterateUpperBound(upperBound);
        }
        return options;
    }

    /** Releases the snapshot; safe to call more than once and from any thread. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            getOptions.close();
            db.releaseSnapshot(snapshot);
        } finally {
            lock.writeLock().unlock();
        }
        onClose.accept(this);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("read view is closed");
        }
    }
}
