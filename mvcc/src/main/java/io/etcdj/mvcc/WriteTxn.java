package io.etcdj.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One atomic change of the key space (etcd's {@code TxnWrite}). Every change gets main revision
 * {@code revision() + 1} and sub-revisions 0, 1, 2, ... in order; reads through this transaction
 * see its own earlier changes. Nothing is visible to other readers until {@link #end()}, which
 * publishes the new revision if anything changed; {@link #abort()} undoes everything.
 *
 * <p>Only the store's single writer thread uses a write transaction, and only one is open at a
 * time. Closing a transaction that was not ended aborts it.
 */
public final class WriteTxn implements KvView, AutoCloseable {
    private final MvccStore store;
    private final TreeIndex index;
    private final PendingWrites pending;
    private final long beginRevision;
    private final long compactRevision;
    private final List<Event> events = new ArrayList<>();
    private RevisionReader reader;
    private boolean finished;

    WriteTxn(MvccStore store, TreeIndex index, PendingWrites pending, long beginRevision, long compactRevision) {
        this.store = store;
        this.index = index;
        this.pending = pending;
        this.beginRevision = beginRevision;
        this.compactRevision = compactRevision;
    }

    /** The store revision this transaction started from; its changes are at this plus one. */
    @Override
    public long revision() {
        return beginRevision;
    }

    @Override
    public long compactRevision() {
        return compactRevision;
    }

    /** Whether this transaction has changed anything so far. */
    public boolean hasChanges() {
        return !events.isEmpty();
    }

    /** The revision reads through this transaction see: its own if it changed something (etcd's rule). */
    private long readRevision() {
        return hasChanges() ? beginRevision + 1 : beginRevision;
    }

    @Override
    public RangeResult range(ByteString key, ByteString end, long atRevision, long limit) {
        checkOpen();
        return MvccStore.rangeKeys(index, reader(), key, end, atRevision, readRevision(), limit, false);
    }

    @Override
    public RangeResult count(ByteString key, ByteString end, long atRevision) {
        checkOpen();
        return MvccStore.rangeKeys(index, reader(), key, end, atRevision, readRevision(), 0, true);
    }

    /**
     * Puts {@code key}: a live key keeps its creation revision and gets the next version; a new or
     * deleted key starts at version 1 with creation revision = this revision.
     *
     * @param lease the lease to attach, 0 for none (the caller checked that it exists)
     * @return the revision of the change
     */
    public long put(ByteString key, ByteString value, long lease) {
        checkOpen();
        long rev = beginRevision + 1;
        KeyIndex.Found previous = index.get(key, rev);
        KeyValue kv = KeyValue.newBuilder()
                .setKey(key)
                .setValue(value)
                .setCreateRevision(previous != null ? previous.created().main() : rev)
                .setModRevision(rev)
                .setVersion(previous != null ? previous.version() + 1 : 1)
                .setLease(lease)
                .build();
        Revision at = new Revision(rev, events.size());
        pending.put(at.toBytes(), kv.toByteArray());
        index.put(key, at);
        events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
        return rev;
    }

    /**
     * Deletes every key alive in the range (see {@link KvView} for {@code end}) by writing a
     * tombstone for each.
     *
     * @param withPrevKvs whether to return the deleted pairs
     */
    public DeleteResult deleteRange(ByteString key, ByteString end, boolean withPrevKvs) {
        checkOpen();
        long readAt = readRevision();
        List<KeyValue> previous = withPrevKvs ? range(key, end, readAt, 0).kvs() : List.of();
        TreeIndex.Lookup alive = index.range(key, end, readAt, Integer.MAX_VALUE);
        long rev = beginRevision + 1;
        for (ByteString deleted : alive.keys()) {
            Revision at = new Revision(rev, events.size());
            pending.put(at.toTombstoneBytes(), KeyValue.newBuilder().setKey(deleted).build().toByteArray());
            if (!index.tombstone(deleted, at)) {
                throw new IllegalStateException("key " + deleted.toStringUtf8() + " was alive at " + readAt + " but cannot be deleted");
            }
            KeyValue marker = KeyValue.newBuilder().setKey(deleted).setModRevision(rev).build();
            events.add(Event.newBuilder().setType(Event.EventType.DELETE).setKv(marker).build());
        }
        long reported = alive.count() != 0 || hasChanges() ? rev : beginRevision;
        return new DeleteResult(alive.count(), previous, reported);
    }

    /** The changes so far, in order: puts with the new pair, deletes with the key and the deleting revision. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * Publishes the changes: readers see revision {@code revision() + 1} from now on (unchanged if
     * nothing changed), and the lease subsystem learns the new attachments.
     *
     * @return the changes published, in order (for watchers)
     */
    public List<Event> end() {
        checkOpen();
        finish();
        List<Event> published = List.copyOf(events);
        store.publish(this, hasChanges() ? beginRevision + 1 : beginRevision, published);
        LeaseAttachments leases = store.leaseAttachments();
        for (Event event : events) {
            if (event.getType() == Event.EventType.PUT) {
                leases.keyWritten(event.getKv().getKey(), event.getKv().getLease());
            } else {
                leases.keyDeleted(event.getKv().getKey());
            }
        }
        return published;
    }

    /** Undoes every change of this transaction; the store is as if it never began. */
    public void abort() {
        checkOpen();
        finish();
        long rev = beginRevision + 1;
        Set<ByteString> keys = new LinkedHashSet<>();
        for (int sub = 0; sub < events.size(); sub++) {
            Event event = events.get(sub);
            Revision at = new Revision(rev, sub);
            pending.remove(event.getType() == Event.EventType.PUT ? at.toBytes() : at.toTombstoneBytes());
            keys.add(event.getKv().getKey());
        }
        index.rollback(keys, rev);
        events.clear();
        store.publish(this, beginRevision, List.of());
    }

    /** Aborts the transaction unless it was ended. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
    }

    private void finish() {
        finished = true;
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    private RevisionReader reader() {
        if (reader == null) {
            reader = store.writerReader(pending);
        }
        return reader;
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("write transaction already ended");
        }
    }
}
