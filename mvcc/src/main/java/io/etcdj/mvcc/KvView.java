package io.etcdj.mvcc;

import com.google.protobuf.ByteString;

/**
 * A consistent view of the key space: a {@link ReadTxn} (one revision, any thread) or a
 * {@link WriteTxn} (which also sees its own changes).
 *
 * <p>Range ends follow etcd's store convention: {@code end == null} reads just {@code key};
 * an empty {@code end} reads every key from {@code key} on; otherwise {@code [key, end)} in
 * unsigned byte order. (The wire's {@code "\0"} range end maps to the empty end.)
 */
public sealed interface KvView permits ReadTxn, WriteTxn {
    /**
     * The pairs alive at {@code atRevision} in the range, in key order.
     *
     * @param atRevision the revision to read at; {@code <= 0} means {@link #revision()}
     * @param limit      the most pairs returned; {@code <= 0} means no limit (the count is never limited)
     * @throws io.etcdj.spi.server.EtcdException FUTURE_REV above {@link #revision()}, COMPACTED
     *                                           below the compaction revision
     */
    RangeResult range(ByteString key, ByteString end, long atRevision, long limit);

    /** Like {@link #range} with no pairs returned, only the count. */
    RangeResult count(ByteString key, ByteString end, long atRevision);

    /**
     * The revision this view reads at by default. For a write transaction, the store revision it
     * started from (its own changes become visible at that plus one, etcd's {@code Rev()}).
     */
    long revision();

    /** The compaction revision when the view was opened (-1 if never compacted; etcd's {@code FirstRev()}). */
    long compactRevision();
}
