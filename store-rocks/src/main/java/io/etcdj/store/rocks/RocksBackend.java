package io.etcdj.store.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendStats;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * A {@link Backend} on one RocksDB database: one column family per bucket, batches as native
 * write batches, read views as snapshots.
 *
 * <p>Durability: commits go to RocksDB's WAL (handed to the OS on every commit, so a process crash
 * loses nothing) without fsync; {@link #sync()} fsyncs every WAL file still live. Flushed SST
 * files and the MANIFEST are fsynced by RocksDB itself, so after {@code sync()} every committed
 * batch survives a machine crash, and recovery replays whole batches in commit order.
 *
 * <p>Locking: a lifecycle lock keeps {@link #close()} from freeing native handles under any other
 * call; a writer lock serialises commit with {@link #defragment()}, as the SPI asks.
 */
final class RocksBackend implements Backend {
    private static final String DEFAULT_FAMILY = new String(RocksDB.DEFAULT_COLUMN_FAMILY, UTF_8);

    private final Path directory;
    private final RocksTuning tuning;
    private final RocksDB db;
    private final RocksBuckets buckets;
    private final Set<RocksReadView> openViews = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ReentrantLock writer = new ReentrantLock();
    private volatile boolean closed;

    private RocksBackend(Path directory, RocksTuning tuning, RocksDB db, RocksBuckets buckets) {
        this.directory = directory;
        this.tuning = tuning;
        this.db = db;
        this.buckets = buckets;
    }

    /** Opens (or creates) the database in {@code config.directory()}, creating missing buckets. */
    static RocksBackend open(BackendConfig config) throws IOException {
        RocksSettings settings = RocksSettings.from(config.options());
        Path directory = config.directory();
        RocksTuning tuning = new RocksTuning(settings);
        try {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (String family : families(directory, config.buckets())) {
                descriptors.add(new ColumnFamilyDescriptor(family.getBytes(UTF_8), tuning.bucket()));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(tuning.db(), directory.toString(), descriptors, handles);
            return new RocksBackend(directory, tuning, db, new RocksBuckets(descriptors, handles, config.buckets()));
        } catch (RocksDBException e) {
            tuning.close();
            throw RocksErrors.io("open of " + directory, e);
        } catch (RuntimeException | Error e) {
            tuning.close();
            throw e;
        }
    }

    /** RocksDB must open every existing column family; new buckets are created by the open. */
    private static Set<String> families(Path directory, List<String> buckets) throws RocksDBException {
        Set<String> families = new LinkedHashSet<>();
        families.add(DEFAULT_FAMILY);
        if (Files.exists(directory.resolve("CURRENT"))) {
            try (Options options = new Options()) {
                for (byte[] name : RocksDB.listColumnFamilies(options, directory.toString())) {
                    families.add(new String(name, UTF_8));
                }
            }
        }
        families.addAll(buckets);
        return families;
    }

    @Override
    public ReadView readView() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            RocksReadView view = new RocksReadView(db, buckets, openViews::remove);
            openViews.add(view);
            return view;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public WriteBatch newBatch() {
        ensureOpen();
        return new RocksWriteBatch(this, buckets);
    }

    @Override
    public void commit(WriteBatch batch) throws IOException {
        if (!(batch instanceof RocksWriteBatch rocksBatch)) {
            throw new IllegalArgumentException("not a batch of this backend: " + batch);
        }
        lifecycle.readLock().lock();
        writer.lock();
        try {
            ensureOpen();
            db.write(tuning.write(), rocksBatch.takeForCommit(this));
        } catch (RocksDBException e) {
            throw RocksErrors.io("commit", e);
        } finally {
            writer.unlock();
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void sync() throws IOException {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            db.syncWal();
        } catch (RocksDBException e) {
            throw RocksErrors.io("sync", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * {@code sizeBytes}: every file in the directory except RocksDB's text logs (SST, WAL,
     * MANIFEST, OPTIONS). {@code sizeInUseBytes}: RocksDB's estimate of live SST data plus the
     * memtables (whose data is on disk in the WAL), capped at {@code sizeBytes}.
     */
    @Override
    public BackendStats stats() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            long size = RocksFiles.diskUsage(directory);
            long inUse = 0;
            for (ColumnFamilyHandle handle : buckets.all()) {
                inUse += db.getLongProperty(handle, "rocksdb.estimate-live-data-size");
                inUse += db.getLongProperty(handle, "rocksdb.cur-size-all-mem-tables");
            }
            return new BackendStats(size, Math.min(inUse, size));
        } catch (RocksDBException e) {
            throw RocksErrors.unchecked("stats", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Flushes and fully compacts every column family, dropping deleted and overwritten data. */
    @Override
    public void defragment() throws IOException {
        lifecycle.readLock().lock();
        writer.lock();
        try {
            ensureOpen();
            for (ColumnFamilyHandle handle : buckets.all()) {
                db.compactRange(handle, null, null, tuning.fullCompaction());
            }
        } catch (RocksDBException e) {
            throw RocksErrors.io("defragment", e);
        } finally {
            writer.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /** Syncs, invalidates open read views and frees every native handle. Idempotent. */
    @Override
    public void close() throws IOException {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                failure = RocksErrors.io("sync at close", e);
            }
            // Snapshots must be released, and handles closed, while the database is still open.
            List.copyOf(openViews).forEach(RocksReadView::close);
            buckets.close();
            try {
                db.closeE();
            } catch (RocksDBException e) {
                IOException closeFailure = RocksErrors.io("close", e);
                if (failure == null) {
                    failure = closeFailure;
                } else {
                    failure.addSuppressed(closeFailure);
                }
            } finally {
                tuning.close();
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("rocks store is closed");
        }
    }
}
