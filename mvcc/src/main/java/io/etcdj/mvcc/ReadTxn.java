package io.etcdj.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads of the key space at one revision, from any thread, concurrently with the writer: every
 * read of this transaction sees the same state. Holds a backend read view until closed.
 */
public final class ReadTxn implements KvView, AutoCloseable {
    private final TreeIndex index;
    private final long revision;
    private final long compactRevision;
    private final RevisionReader reader;

    ReadTxn(TreeIndex index, long revision, long compactRevision, RevisionReader reader) {
        this.index = index;
        this.revision = revision;
        this.compactRevision = compactRevision;
        this.reader = reader;
    }

    @Override
    public RangeResult range(ByteString key, ByteString end, long atRevision, long limit) {
        return MvccStore.rangeKeys(index, reader, key, end, atRevision, revision, limit, false);
    }

    @Override
    public RangeResult count(ByteString key, ByteString end, long atRevision) {
        return MvccStore.rangeKeys(index, reader, key, end, atRevision, revision, 0, true);
    }

    /**
     * Every change with main revision in {@code [fromRevision, toRevision]}, in revision order
     * (and sub-revision order within one), read from the {@code "key"} bucket by revision range
     * together with the uncommitted writes this transaction sees: a put as {@code PUT} with the
     * pair written, a deletion as {@code DELETE} with the key and {@code mod_revision} = the
     * deleting revision (as {@link WriteTxn#end()} reports them). Only events whose key passes
     * {@code keys} are returned.
     *
     * <p>Like a range read and etcd's watchers, reading from the compaction revision itself is
     * allowed, and complete: the compactor keeps the deletions at exactly that revision until the
     * next compaction (etcd drops them, so its watchers starting there can miss them).
     *
     * @throws io.etcdj.spi.server.EtcdException COMPACTED when {@code fromRevision} is below the
     *                                           compaction revision, FUTURE_REV when
     *                                           {@code toRevision} is above {@link #revision()}
     */
    public List<Event> history(long fromRevision, long toRevision, Predicate<ByteString> keys) {
        long from = Math.max(fromRevision, 1);  // revisions start at 1 (an empty store is at 1)
        if (from < compactRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        if (toRevision > revision) {
            throw EtcdError.FUTURE_REV.exception();
        }
        List<Event> events = new ArrayList<>();
        if (toRevision < from) {
            return events;
        }
        reader.scan(Revision.mainPrefix(from), Revision.mainPrefix(toRevision + 1), (key, value) -> {
            Revision rev = Revision.fromBytes(key);
            KeyValue kv = MvccStore.parse(value, rev);
            if (!keys.test(kv.getKey())) {
                return true;
            }
            if (Revision.isTombstone(key)) {
                KeyValue marker = KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(rev.main()).build();
                events.add(Event.newBuilder().setType(Event.EventType.DELETE).setKv(marker).build());
            } else {
                events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
            }
            return true;
        });
        return events;
    }

    /**
     * The version of {@code key} alive just before {@code revision} (read at {@code revision - 1},
     * as etcd fills a watch event's {@code prev_kv}), or null when there was none.
     *
     * @throws io.etcdj.spi.server.EtcdException COMPACTED when {@code revision - 1} is below the
     *                                           compaction revision
     */
    public KeyValue previousVersion(ByteString key, long revision) {
        if (revision <= 1) {
            return null;
        }
        List<KeyValue> found = range(key, null, revision - 1, 1).kvs();
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public long revision() {
        return revision;
    }

    @Override
    public long compactRevision() {
        return compactRevision;
    }

    @Override
    public void close() {
        reader.close();
    }
}
