package io.etcdj.mvcc;

import com.google.protobuf.ByteString;

/**
 * Reads of the key space at one revision, from any thread, concurrently with the writer: every
 * read of this transaction sees the same state. Holds a backend read view until closed.
 */
public final class ReadTxn implements KvView, AutoCloseable {
    private final MvccStore store;
    private final long revision;
    private final long compactRevision;
    private final RevisionReader reader;

    ReadTxn(MvccStore store, long revision, long compactRevision, RevisionReader reader) {
        this.store = store;
        this.revision = revision;
        this.compactRevision = compactRevision;
        this.reader = reader;
    }

    @Override
    public RangeResult range(ByteString key, ByteString end, long atRevision, long limit) {
        return store.rangeKeys(reader, key, end, atRevision, revision, limit, false);
    }

    @Override
    public RangeResult count(ByteString key, ByteString end, long atRevision) {
        return store.rangeKeys(reader, key, end, atRevision, revision, 0, true);
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
