package io.etcdj.mvcc;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * Runs compactions one after another on a background thread (etcd's FIFO scheduler): compacts
 * the key index, then deletes the revisions it no longer needs from the {@code "key"} bucket in
 * commits of at most the batch limit entries, the last of which records the finished compaction
 * revision in {@code "meta"}.
 *
 * <p>A compaction is only handed here once its scheduled revision is committed, so a crash in the
 * middle leaves {@code scheduled > finished} and {@link MvccStore#open} resumes it.
 */
final class Compactor implements AutoCloseable {
    private final Backend backend;
    private final TreeIndex index;
    private final Lock backendWrites;
    private final int batchLimit;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "etcdj-mvcc-compactor");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param backendWrites held around each backend commit: the backend takes writes from one
     *                      thread at a time, and the store's writer commits too
     */
    Compactor(Backend backend, TreeIndex index, Lock backendWrites, int batchLimit) {
        this.backend = backend;
        this.index = index;
        this.backendWrites = backendWrites;
        this.batchLimit = batchLimit;
    }

    /** Queues the compaction at {@code rev}; the future completes when it is physically finished. */
    CompletableFuture<Void> submit(long rev) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> run(rev, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("compaction at " + rev + " refused: mvcc store closed or restored"));
        }
        return done;
    }

    private void run(long rev, CompletableFuture<Void> done) {
        try {
            if (closed) {
                throw new IllegalStateException("compaction at " + rev + " stopped: mvcc store closed or restored");
            }
            Set<Revision> keep = index.compact(rev);
            deleteObsolete(rev, keep);
            done.complete(null);
        } catch (Throwable t) {
            done.completeExceptionally(t);
        }
    }

    /**
     * etcd's {@code scheduleCompaction}: deletes the stored revisions up to {@code rev} not in
     * {@code keep}, except tombstones at exactly {@code rev}.
     *
     * <p>Unlike etcd, a deletion at the compaction revision stays stored until the next
     * compaction: reads and watchers may still start at {@code rev} (etcd's rule), and a watcher
     * replaying history from there must see that deletion (etcd's watcher silently misses it). No
     * read returns it, and {@link MvccStore#hashKV} skips it as etcd's deleted entry.
     */
    private void deleteObsolete(long rev, Set<Revision> keep) throws IOException {
        byte[] end = Revision.mainPrefix(rev + 1);
        byte[] from = new Revision(0, 0).toBytes();
        while (true) {
            if (closed) {
                throw new IllegalStateException("compaction at " + rev + " stopped midway: mvcc store closed or restored");
            }
            List<byte[]> keys = new ArrayList<>(batchLimit);
            try (ReadView view = backend.readView()) {
                view.scan(MvccStore.KEY_BUCKET, from, end, (key, value) -> {
                    keys.add(key);
                    return keys.size() < batchLimit;
                });
            }
            boolean last = keys.size() < batchLimit;
            backendWrites.lock();
            try (WriteBatch batch = backend.newBatch()) {
                for (byte[] key : keys) {
                    Revision stored = Revision.fromBytes(key);
                    boolean deletionAtRev = stored.main() == rev && Revision.isTombstone(key);
                    if (!keep.contains(stored) && !deletionAtRev) {
                        batch.delete(MvccStore.KEY_BUCKET, key);
                    }
                }
                if (last) {
                    batch.put(MvccStore.META_BUCKET, MetaKeys.FINISHED_COMPACT, new Revision(rev, 0).toBytes());
                }
                backend.commit(batch);
            } finally {
                backendWrites.unlock();
            }
            if (last) {
                return;
            }
            Revision lastSeen = Revision.fromBytes(keys.get(keys.size() - 1));
            from = new Revision(lastSeen.main(), lastSeen.sub() + 1).toBytes();
        }
    }

    /**
     * Stops after the current batch; queued compactions fail. Waits for the thread to stop, so
     * the caller may then write the backend alone (close, or a restore replacing its contents).
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
        try {
            while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                // A batch commit is bounded; keep waiting so the backend is not closed under it.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
