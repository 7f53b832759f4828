package io.etcdj.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.KeyValueVisitor;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * etcd's multi-version key space (etcd 3.4 {@code mvcc.store}) over a {@link Backend}.
 *
 * <p><b>Layout.</b> Bucket {@value #KEY_BUCKET} maps each encoded {@link Revision} to the
 * serialized {@link KeyValue} written at it (a tombstone's key carries the {@code 't'} mark and its
 * value holds only the key). Bucket {@value #META_BUCKET} holds the applied Raft index and term and
 * the scheduled and finished compaction revisions. An in-memory {@link TreeIndex} maps each key
 * to its revisions; it is rebuilt from the key bucket by {@link #open}.
 *
 * <p><b>Threads.</b> One writer thread (the server's apply loop) calls {@link #beginWrite},
 * {@link #commit}, {@link #compact}, {@link #beginRestore}, {@link #finishRestore} and
 * {@link #close}. Reads ({@link #beginRead},
 * {@link #range}, {@link #hashKV}) may come from any thread at any time. A background thread
 * deletes compacted revisions from the backend.
 *
 * <p><b>Batching.</b> Writes are not committed to the backend one transaction at a time: they
 * gather in {@link PendingWrites} until the writer calls {@link #commit(long, long)}, which
 * writes them together with the applied Raft index in ONE backend batch, so the backend never
 * holds data without the index that produced it (or the reverse).
 *
 * <p><b>Why readers never miss a revision.</b> A revision readable at store revision {@code r}
 * was written before {@code r} was published, into the pending instance current at that time,
 * and is either still there or already in the backend: commit first writes the backend, then
 * replaces the pending instance by a new one (the old one is never cleared). A reader therefore
 * takes, in this order: (1) the current revision, (2) the pending instance, (3) a backend read
 * view. If the pending instance it took in (2) is the one its revisions were written to, it
 * holds them; if it is a later one, the commit of those revisions finished before (2), hence
 * before the view was opened in (3), and the view holds them. Nothing needs a lock.
 *
 * <p><b>Compaction.</b> {@link #compact} refuses reads below the revision at once, records it as
 * scheduled (written by the next commit) and, after that commit, compacts the key index and then
 * deletes obsolete revisions from the backend in bounded batches on the background thread,
 * finally recording it as finished. A read checks the compaction revision and looks up the index
 * under the index's read lock, after opening its backend view; deletions for a compaction start
 * only after its revision was set under the index's write lock, so they never remove a revision
 * from a view that a passing check allowed to be read.
 *
 * <p><b>Watchers.</b> Changes are visible to readers when their write transaction ends, but a
 * {@link CommitListener} hears of them only after the {@link #commit} that wrote them to the
 * backend, in revision order, so watchers never see a revision the backend does not hold yet
 * (the server acknowledges the writers after that same commit). Past changes are read with
 * {@link ReadTxn#history}.
 *
 * <p><b>Restore.</b> When the backend's contents are replaced in place (a Raft snapshot from the
 * leader), {@link #beginRestore} and {@link #finishRestore} bracket the replacement and rebuild
 * every in-memory structure from the new contents, as {@link #open} would, without a new store
 * object. The state readers see (key index, revisions, uncommitted writes) is captured by
 * {@link #beginRead} under a read lock and replaced as a whole under its write lock, which the
 * writer holds from {@code beginRestore} to the end of {@code finishRestore}: a read transaction
 * begun before sees the old state throughout (its backend view predates the replacement), one
 * begun after sees the new state, and none begins in between.
 */
public final class MvccStore implements AutoCloseable {
    /** Revisions to stored versions. */
    public static final String KEY_BUCKET = "key";
    /** Applied index, term and compaction progress. */
    public static final String META_BUCKET = "meta";
    /** The buckets the store needs; the server adds them to its {@code BackendConfig}. */
    public static final List<String> BUCKETS = List.of(KEY_BUCKET, META_BUCKET);

    private static final byte[] KEY_BUCKET_NAME = KEY_BUCKET.getBytes(StandardCharsets.US_ASCII);

    /** A compaction whose scheduled revision waits for the next commit before it runs. */
    private record AwaitingCommit(long revision, CompletableFuture<Void> done) {
    }

    private final Backend backend;
    private final MvccOptions options;
    /** Held around every backend commit: the writer's and the compactor's. */
    private final ReentrantLock backendWrites = new ReentrantLock();
    /**
     * Read-locked while a reader captures the state below, write-locked by the writer while the
     * backend's contents are replaced and the state rebuilt (see the class comment on restore).
     */
    private final ReentrantReadWriteLock restoreGate = new ReentrantReadWriteLock();
    /** Replaced as a whole by a restore: readers keep the instance they captured. */
    private volatile TreeIndex index;
    /** Bound to {@link #index}; replaced with it. */
    private volatile Compactor compactor;

    private volatile long currentRevision = 1;
    /** The revision of the last write handed to the commit listener (or committed before it was set). */
    private volatile long committedRevision = 1;
    private volatile CommitListener commitListener;
    private volatile PendingWrites pending = new PendingWrites();
    private volatile long consistentIndex;
    private volatile long consistentTerm;
    private volatile CompletableFuture<Void> lastCompaction = CompletableFuture.completedFuture(null);
    private volatile boolean closed;

    // Writer-thread state.
    private WriteTxn openWrite;
    /** A compaction revision to record as scheduled by the next commit; -1 for none. */
    private long scheduledCompaction = -1;
    private final List<AwaitingCommit> awaitingCommit = new ArrayList<>();
    /** Changes published since the last commit, in revision order, for the commit listener. */
    private final List<RevisionEvents> uncommittedChanges = new ArrayList<>();
    /** Between {@link #beginRestore} and {@link #finishRestore}; the writer then holds the restore gate. */
    private boolean restoring;

    private MvccStore(Backend backend, MvccOptions options) {
        this.backend = backend;
        this.options = options;
    }

    /** {@link #open(Backend, MvccOptions)} with default options. */
    public static MvccStore open(Backend backend) {
        return open(backend, MvccOptions.defaults());
    }

    /**
     * Opens the key space stored in {@code backend} (which must have {@link #BUCKETS}): rebuilds
     * the key index, the current and compaction revisions and the applied index, tells
     * {@link MvccOptions#leaseAttachments()} every live key's lease, and resumes a compaction that
     * was scheduled but not finished (see {@link #compactionDone()}). The backend stays the
     * caller's: {@link #close()} does not close it.
     *
     * @throws IllegalStateException when the stored data is corrupt
     */
    public static MvccStore open(Backend backend, MvccOptions options) {
        MvccStore store = new MvccStore(backend, options);
        Stored stored = Stored.read(backend);
        store.install(stored);
        stored.leases().forEach(options.leaseAttachments()::keyWritten);
        return store;
    }

    /**
     * First half of a restore (writer thread): call it before the backend's contents are replaced
     * in place, then replace them (clear the store's buckets and write the new records, in as
     * many batches as needed), then call {@link #finishRestore}, always, even if the replacement
     * failed.
     *
     * <p>It stops the background compaction of the old contents after its current batch (so no
     * one but the caller writes to the backend until {@code finishRestore}); compactions not
     * finished, including those waiting for a commit, fail. Writes not committed yet are dropped
     * with the old contents. New read transactions ({@link #beginRead}, {@link #range},
     * {@link #hashKV}, ...) wait from now until {@code finishRestore} returns; those already
     * open keep reading the old contents. The writer must not begin writes, commit or compact in
     * between.
     *
     * @throws IllegalStateException when a write transaction is open or a restore has begun
     */
    public void beginRestore() {
        checkOpen();
        if (restoring) {
            throw new IllegalStateException("a restore has already begun");
        }
        if (openWrite != null) {
            throw new IllegalStateException("cannot restore while a write transaction is open");
        }
        restoreGate.writeLock().lock();
        restoring = true;
        compactor.close();
        failAwaitingCommit("mvcc store restored from a snapshot before the compaction was committed");
        scheduledCompaction = -1;
        uncommittedChanges.clear();
    }

    /**
     * Second half of a restore (writer thread), after the backend's contents were replaced:
     * rebuilds the key index, the current and compaction revisions and the applied index and term
     * from the backend exactly as {@link #open} does, resumes a compaction that the new contents
     * record as scheduled but not finished (see {@link #compactionDone()}), lets new reads in,
     * tells {@link MvccOptions#leaseAttachments()} every live key's lease (restore the lessor
     * first: it must know the new leases and no attachment), and finally tells the
     * {@link CommitListener} {@linkplain CommitListener#restored the new revision}. The next
     * {@link #commit} continues from the restored revision.
     *
     * @throws IllegalStateException when {@link #beginRestore} was not called, or the new contents
     *                               are corrupt; then the store is closed (the server must stop)
     */
    public void finishRestore() {
        checkOpen();
        if (!restoring) {
            throw new IllegalStateException("finishRestore without beginRestore");
        }
        Stored stored;
        try {
            stored = Stored.read(backend);
            pending = new PendingWrites();
            install(stored);
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            restoring = false;
            restoreGate.writeLock().unlock();
        }
        stored.leases().forEach(options.leaseAttachments()::keyWritten);
        CommitListener listener = commitListener;
        if (listener != null) {
            listener.restored(committedRevision);
        }
    }

    /** Makes {@code stored} the store's state, with a compactor of its own (writer thread, no reader capturing). */
    private void install(Stored stored) {
        index = stored.index();
        compactor = new Compactor(backend, stored.index(), backendWrites, options.compactionBatchLimit());
        consistentIndex = stored.consistentIndex();
        consistentTerm = stored.consistentTerm();
        currentRevision = stored.revision();
        committedRevision = stored.revision();
        lastCompaction = stored.unfinishedCompaction() > 0
                ? compactor.submit(stored.unfinishedCompaction())
                : CompletableFuture.completedFuture(null);
    }

    /**
     * What the backend holds, read into a new key index.
     *
     * @param unfinishedCompaction a compaction scheduled but not finished, to resume; -1 for none
     * @param leases               every live key that has a lease, with the lease
     */
    private record Stored(TreeIndex index, long revision, long consistentIndex, long consistentTerm,
                          long unfinishedCompaction, Map<ByteString, Long> leases) {
        static Stored read(Backend backend) {
            TreeIndex index = new TreeIndex();
            KeyBucketRestorer restorer = new KeyBucketRestorer(index);
            long finished;
            long scheduled;
            long consistentIndex;
            long consistentTerm;
            try (ReadView view = backend.readView()) {
                finished = revisionMain(view.get(META_BUCKET, MetaKeys.FINISHED_COMPACT), -1);
                scheduled = revisionMain(view.get(META_BUCKET, MetaKeys.SCHEDULED_COMPACT), -1);
                consistentIndex = MetaKeys.decodeLong(view.get(META_BUCKET, MetaKeys.CONSISTENT_INDEX), 0);
                consistentTerm = MetaKeys.decodeLong(view.get(META_BUCKET, MetaKeys.TERM), 0);
                view.scan(KEY_BUCKET, new Revision(1, 0).toBytes(), null, restorer);
            }
            // A scheduled compaction is in force at once, finished or not.
            index.markCompacted(Math.max(finished, scheduled));
            // The revisions up to a compaction may all have been deleted by it, so the last stored
            // revision can be below the compaction revision; the store's revision is not (etcd takes
            // the finished one only, which loses the revision when a compaction that deleted
            // everything up to it was interrupted).
            long revision = Math.max(restorer.lastMain, Math.max(finished, scheduled));
            return new Stored(index, revision, consistentIndex, consistentTerm,
                    scheduled > finished ? scheduled : -1, Map.copyOf(restorer.leases));
        }
    }

    /** Rebuilds the key index from the key bucket, in revision order, noting each live key's lease. */
    private static final class KeyBucketRestorer implements KeyValueVisitor {
        private final TreeIndex index;
        private final Map<ByteString, Long> leases = new HashMap<>();
        private long lastMain = 1;

        KeyBucketRestorer(TreeIndex index) {
            this.index = index;
        }

        @Override
        public boolean visit(byte[] key, byte[] value) {
            Revision rev = Revision.fromBytes(key);
            boolean tombstone = Revision.isTombstone(key);
            KeyValue kv = parse(value, rev);
            index.restore(kv.getKey(), rev, tombstone, kv.getCreateRevision(), kv.getVersion());
            if (tombstone || kv.getLease() == 0) {
                leases.remove(kv.getKey());
            } else {
                leases.put(kv.getKey(), kv.getLease());
            }
            lastMain = rev.main();
            return true;
        }
    }

    private static long revisionMain(byte[] encoded, long absent) {
        return encoded == null ? absent : Revision.fromBytes(encoded).main();
    }

    /** The revision of the last published write (1 for an empty store, as etcd). */
    public long currentRevision() {
        return currentRevision;
    }

    /**
     * The revision of the last write that the backend holds: every published revision up to it
     * was committed (and handed to the {@link CommitListener}, if one was set). At most
     * {@link #currentRevision()}.
     */
    public long committedRevision() {
        return committedRevision;
    }

    /**
     * Sets the listener told of every committed change from now on (null: none) and returns the
     * revision up to which changes were committed before: the listener hears of every revision
     * after it, exactly once, in order. Call it before the writer starts or on the writer thread.
     */
    public long setCommitListener(CommitListener listener) {
        commitListener = listener;
        return committedRevision;
    }

    /**
     * The events with main revision in {@code [fromRevision, toRevision]} in revision order: a
     * {@link ReadTxn#history} on a fresh read transaction. Any thread.
     */
    public List<Event> history(long fromRevision, long toRevision) {
        try (ReadTxn txn = beginRead()) {
            return txn.history(fromRevision, toRevision, key -> true);
        }
    }

    /** The revision below which reads fail with COMPACTED; -1 if never compacted (etcd's value). */
    public long compactRevision() {
        return index.compactRevision();
    }

    /** The Raft index of the last {@link #commit} (as stored, after {@link #open}); 0 if none. */
    public long consistentIndex() {
        return consistentIndex;
    }

    /** The Raft term passed with {@link #consistentIndex()}; 0 if none. */
    public long consistentTerm() {
        return consistentTerm;
    }

    /**
     * Opens a read transaction at the current revision; close it when done. Any thread; waits
     * while a restore is under way (see {@link #beginRestore}).
     */
    public ReadTxn beginRead() {
        checkOpen();
        Lock capture = restoreGate.readLock();
        capture.lock();
        try {
            checkOpen();  // a failed restore closes the store while readers wait
            // The order matters: see the class comment.
            long revision = currentRevision;
            PendingWrites pendingNow = pending;
            TreeIndex indexNow = index;
            ReadView view = backend.readView();
            return new ReadTxn(indexNow, revision, indexNow.compactRevision(), new RevisionReader(pendingNow, view));
        } finally {
            capture.unlock();
        }
    }

    /** A single read: {@link ReadTxn#range} on a fresh read transaction. Any thread. */
    public RangeResult range(ByteString key, ByteString end, long atRevision, long limit) {
        try (ReadTxn txn = beginRead()) {
            return txn.range(key, end, atRevision, limit);
        }
    }

    /** A single count: {@link ReadTxn#count} on a fresh read transaction. Any thread. */
    public RangeResult count(ByteString key, ByteString end, long atRevision) {
        try (ReadTxn txn = beginRead()) {
            return txn.count(key, end, atRevision);
        }
    }

    /** Starts the write transaction (writer thread; one at a time). */
    public WriteTxn beginWrite() {
        checkOpen();
        checkNotRestoring();
        if (openWrite != null) {
            throw new IllegalStateException("a write transaction is already open");
        }
        openWrite = new WriteTxn(this, index, pending, currentRevision, index.compactRevision());
        return openWrite;
    }

    /**
     * Writes everything since the last commit to the backend in one batch together with the
     * applied Raft index and term, and commits it. Not durable until the backend is synced.
     */
    public void commit(long appliedIndex, long appliedTerm) throws IOException {
        commit(appliedIndex, appliedTerm, batch -> {
        });
    }

    /**
     * Like {@link #commit(long, long)}, letting {@code alsoWrite} add other subsystems' writes
     * (their own buckets) to the same atomic batch.
     */
    public void commit(long appliedIndex, long appliedTerm, Consumer<WriteBatch> alsoWrite) throws IOException {
        checkOpen();
        checkNotRestoring();
        if (openWrite != null) {
            throw new IllegalStateException("cannot commit while a write transaction is open");
        }
        PendingWrites committing = pending;
        backendWrites.lock();
        try (WriteBatch batch = backend.newBatch()) {
            for (Map.Entry<byte[], byte[]> entry : committing.all()) {
                batch.put(KEY_BUCKET, entry.getKey(), entry.getValue());
            }
            if (scheduledCompaction >= 0) {
                batch.put(META_BUCKET, MetaKeys.SCHEDULED_COMPACT, new Revision(scheduledCompaction, 0).toBytes());
            }
            batch.put(META_BUCKET, MetaKeys.CONSISTENT_INDEX, MetaKeys.encodeLong(appliedIndex));
            batch.put(META_BUCKET, MetaKeys.TERM, MetaKeys.encodeLong(appliedTerm));
            alsoWrite.accept(batch);
            backend.commit(batch);
        } finally {
            backendWrites.unlock();
        }
        committedRevision = currentRevision;
        // Only now that the backend has them may readers stop finding them here (class comment).
        if (!committing.isEmpty()) {
            pending = new PendingWrites();
        }
        consistentIndex = appliedIndex;
        consistentTerm = appliedTerm;
        scheduledCompaction = -1;
        Compactor compactorNow = compactor;
        for (AwaitingCommit compaction : awaitingCommit) {
            compactorNow.submit(compaction.revision()).whenComplete((ok, failure) -> {
                if (failure != null) {
                    compaction.done().completeExceptionally(failure);
                } else {
                    compaction.done().complete(null);
                }
            });
        }
        awaitingCommit.clear();
        notifyCommitted();
    }

    /** Hands the changes just committed to the commit listener (writer thread). */
    private void notifyCommitted() {
        if (uncommittedChanges.isEmpty()) {
            return;
        }
        List<RevisionEvents> committed = List.copyOf(uncommittedChanges);
        uncommittedChanges.clear();
        CommitListener listener = commitListener;
        if (listener != null) {
            listener.committed(committed);
        }
    }

    /**
     * Compacts the key space at {@code revision} (writer thread): reads below it fail with
     * COMPACTED from now on. The physical work starts after the next {@link #commit} and runs in
     * the background.
     *
     * @return completes when the compaction is physically finished (etcd's {@code physical=true} wait)
     * @throws io.etcdj.spi.server.EtcdException COMPACTED when {@code revision} is not above the
     *                                           compaction revision, FUTURE_REV above the current revision
     */
    public CompletableFuture<Void> compact(long revision) {
        checkOpen();
        checkNotRestoring();
        if (revision <= index.compactRevision()) {
            throw EtcdError.COMPACTED.exception();
        }
        if (revision > currentRevision) {
            throw EtcdError.FUTURE_REV.exception();
        }
        index.markCompacted(revision);
        scheduledCompaction = revision;
        CompletableFuture<Void> done = new CompletableFuture<>();
        awaitingCommit.add(new AwaitingCommit(revision, done));
        lastCompaction = done;
        return done;
    }

    /**
     * Completes when the latest compaction (including one resumed by {@link #open} or
     * {@link #finishRestore}) is physically finished; fails when a close or restore stopped it.
     */
    public CompletableFuture<Void> compactionDone() {
        return lastCompaction;
    }

    /**
     * etcd's {@code HashKV}: CRC-32C (Castagnoli) over the bucket name {@code "key"} followed by
     * every {@code "key"} bucket entry (backend key, then value) with main revision up to
     * {@code revision}, skipping entries at or below the compaction revision that a compaction at
     * {@code revision} would not keep (they are being deleted). Any thread.
     *
     * <p>Unlike etcd 3.4, which skips nothing when that kept set is empty (every key deleted at
     * {@code revision}), this always skips them: etcd's hash then depends on how far the physical
     * compaction has got, so members could disagree on equal data.</p>
     *
     * @param revision 0 for the current revision
     * @throws io.etcdj.spi.server.EtcdException COMPACTED at or below the compaction revision,
     *                                           FUTURE_REV above the current revision
     */
    public HashKV hashKV(long revision) {
        checkOpen();
        long current;
        TreeIndex indexNow;
        RevisionReader captured;
        Lock capture = restoreGate.readLock();
        capture.lock();
        try {
            checkOpen();
            // The order of beginRead.
            current = currentRevision;
            PendingWrites pendingNow = pending;
            indexNow = index;
            captured = new RevisionReader(pendingNow, backend.readView());
        } finally {
            capture.unlock();
        }
        try (RevisionReader reader = captured) {
            long compacted = indexNow.compactRevision();
            if (revision > 0 && revision <= compacted) {
                throw EtcdError.COMPACTED.exception();
            }
            if (revision > 0 && revision > current) {
                throw EtcdError.FUTURE_REV.exception();
            }
            long at = revision == 0 ? current : revision;
            CRC32C crc = new CRC32C();
            crc.update(KEY_BUCKET_NAME);
            if (at >= 0) {
                var keep = indexNow.keep(at).revisions();
                reader.scan(new byte[0], Revision.mainPrefix(at + 1), (key, value) -> {
                    Revision rev = Revision.fromBytes(key);
                    if (rev.main() <= compacted && !keep.contains(rev)) {
                        return true;
                    }
                    crc.update(key);
                    crc.update(value);
                    return true;
                });
            }
            return new HashKV((int) crc.getValue(), current, compacted);
        }
    }

    /**
     * Stops the background compaction (after its current batch) and refuses further use. Writes
     * not committed are dropped (the server's WAL replays them). Does not close the backend.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Compactor compactorNow = compactor;
        if (compactorNow != null) {
            compactorNow.close();
        }
        failAwaitingCommit("mvcc store closed");
    }

    private void failAwaitingCommit(String reason) {
        for (AwaitingCommit compaction : awaitingCommit) {
            compaction.done().completeExceptionally(new IllegalStateException(reason));
        }
        awaitingCommit.clear();
    }

    // ---- shared with the transactions

    LeaseAttachments leaseAttachments() {
        return options.leaseAttachments();
    }

    /** A reader for the writer: its own pending writes and a fresh view of the backend (no restore under way). */
    RevisionReader writerReader(PendingWrites writerPending) {
        return new RevisionReader(writerPending, backend.readView());
    }

    /**
     * Ends the open write transaction and makes {@code revision} the current one; {@code events}
     * (empty for an abort or a transaction that changed nothing) wait for the next commit.
     */
    void publish(WriteTxn txn, long revision, List<Event> events) {
        if (openWrite != txn) {
            throw new IllegalStateException("not the open write transaction");
        }
        if (!events.isEmpty()) {
            uncommittedChanges.add(new RevisionEvents(revision, events));
        }
        currentRevision = revision;
        openWrite = null;
    }

    /**
     * etcd's {@code rangeKeys}: reads the range at {@code atRevision} for a view at
     * {@code viewRevision}, looking keys up in {@code index} (the one the view captured).
     */
    static RangeResult rangeKeys(TreeIndex index, RevisionReader reader, ByteString key, ByteString end, long atRevision,
                                 long viewRevision, long limit, boolean countOnly) {
        if (atRevision > viewRevision) {
            throw EtcdError.FUTURE_REV.exception();
        }
        long at = atRevision <= 0 ? viewRevision : atRevision;
        int max = countOnly ? 0 : limit <= 0 || limit > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) limit;
        TreeIndex.Lookup found = index.range(key, end, at, max);
        List<KeyValue> kvs = new ArrayList<>(found.revisions().size());
        for (int i = 0; i < found.revisions().size(); i++) {
            Revision rev = found.revisions().get(i);
            byte[] stored = reader.get(rev);
            if (stored == null) {
                throw new IllegalStateException("key " + found.keys().get(i).toStringUtf8() + ": revision " + rev
                        + " is in the index but not in the backend");
            }
            kvs.add(parse(stored, rev));
        }
        return new RangeResult(kvs, found.count(), viewRevision);
    }

    static KeyValue parse(byte[] stored, Revision rev) {
        try {
            return KeyValue.parseFrom(stored);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt key-value at revision " + rev, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("mvcc store closed");
        }
    }

    private void checkNotRestoring() {
        if (restoring) {
            throw new IllegalStateException("a restore is under way");
        }
    }
}
