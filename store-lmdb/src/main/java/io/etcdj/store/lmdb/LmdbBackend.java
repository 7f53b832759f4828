package io.etcdj.store.lmdb;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendStats;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A {@link Backend} on one LMDB environment: a named database per bucket, read views as read
 * transactions, batches buffered and applied in one write transaction.
 *
 * <p>Locking: every call takes the read side of a lifecycle lock; {@link #close()} and
 * {@link #defragment()} (which replaces the environment) take the write side, so they wait for
 * calls in flight and block new ones, commits included.
 */
final class LmdbBackend implements Backend {
    /** How long defragment waits for open read views to be closed before it gives up. */
    static final Duration VIEW_CLOSE_WAIT = Duration.ofMinutes(1);

    private final Path directory;
    private final List<String> bucketNames;
    private final Set<String> buckets;
    private final LmdbSettings settings;
    private final OpenViews openViews = new OpenViews();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private LmdbEnvironment environment; // replaced by defragment; guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    private LmdbBackend(BackendConfig config, LmdbSettings settings, LmdbEnvironment environment) {
        this.directory = config.directory();
        this.bucketNames = config.buckets();
        this.buckets = Set.copyOf(config.buckets());
        this.settings = settings;
        this.environment = environment;
    }

    static LmdbBackend open(BackendConfig config) throws IOException {
        LmdbSettings settings = LmdbSettings.from(config.options(), config.quotaBytes());
        LmdbCompaction.removeLeftovers(config.directory());
        return new LmdbBackend(config, settings, LmdbEnvironment.open(config.directory(), config.buckets(), settings));
    }

    @Override
    public ReadView readView() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            LmdbReadView view = new LmdbReadView(environment, openViews::remove);
            openViews.add(view);
            return view;
        } catch (Env.ReadersFullException e) {
            throw new IllegalStateException("lmdb store: all " + settings.maxReaders() + " reader slots are taken;"
                    + " close read views or raise --store-opt " + LmdbSettings.MAX_READERS, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public WriteBatch newBatch() {
        return new LmdbWriteBatch(this, buckets);
    }

    @Override
    public void commit(WriteBatch batch) throws IOException {
        if (!(batch instanceof LmdbWriteBatch lmdbBatch)) {
            throw new IllegalArgumentException("not a batch of this backend: " + batch);
        }
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            List<LmdbWriteBatch.Op> ops = lmdbBatch.takeForCommit(this);
            // Closing an uncommitted write transaction aborts it: a failure applies nothing.
            try (Txn<byte[]> txn = environment.writeTxn()) {
                for (LmdbWriteBatch.Op op : ops) {
                    if (op.value() == null) {
                        environment.bucket(op.bucket()).delete(txn, op.key());
                    } else {
                        environment.bucket(op.bucket()).put(txn, op.key(), op.value());
                    }
                }
                txn.commit();
            }
        } catch (Env.MapFullException e) {
            throw new IOException("lmdb store: the map (" + environment.mapSize() + " bytes) is full; raise the quota"
                    + " or --store-opt " + LmdbSettings.MAP_SIZE + ", then defragment", e);
        } catch (LmdbException e) {
            throw new IOException("lmdb store: commit failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void sync() throws IOException {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            environment.sync();
        } catch (LmdbException e) {
            throw new IOException("lmdb store: sync failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public BackendStats stats() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return environment.stats();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Replaces the data file with a compacted copy. Like etcd's defragment it stops the world:
     * it waits (up to {@link #VIEW_CLOSE_WAIT}) until every read view is closed, and no view,
     * commit or other call proceeds until it is done.
     *
     * @throws IOException when views stay open too long (nothing changed then), or the copy fails
     */
    @Override
    public void defragment() throws IOException {
        lifecycle.writeLock().lock();
        try {
            ensureOpen();
            if (!openViews.awaitNone(VIEW_CLOSE_WAIT)) {
                throw new IOException("lmdb store: defragment needs every read view closed; " + openViews.count()
                        + " still open after " + VIEW_CLOSE_WAIT.toSeconds() + " s");
            }
            Path copy = LmdbCompaction.writeCompactedCopy(environment, directory);
            environment.close();
            IOException installFailure = null;
            try {
                LmdbCompaction.install(copy, directory);
            } catch (IOException e) {
                installFailure = e;
            }
            try {
                environment = LmdbEnvironment.open(directory, bucketNames, settings);
            } catch (IOException e) {
                closed = true;
                if (installFailure != null) {
                    e.addSuppressed(installFailure);
                }
                throw new IOException("lmdb store: cannot reopen after defragment; the store is closed", e);
            }
            if (installFailure != null) {
                throw installFailure;
            }
        } catch (LmdbException e) {
            throw new IOException("lmdb store: defragment failed: " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Syncs, ends open read views' transactions and closes the environment. Idempotent. */
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
                environment.sync();
            } catch (LmdbException e) {
                failure = new IOException("lmdb store: sync at close failed: " + e.getMessage(), e);
            }
            // A read transaction must end before its environment closes.
            openViews.list().forEach(LmdbReadView::close);
            environment.close();
            if (failure != null) {
                throw failure;
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("lmdb store is closed");
        }
    }
}
