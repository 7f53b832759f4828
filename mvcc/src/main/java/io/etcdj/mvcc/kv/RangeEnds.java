package io.etcdj.mvcc.kv;

import com.google.protobuf.ByteString;

/** The wire's range end turned into the store's (see {@link io.etcdj.mvcc.KvView}). */
final class RangeEnds {
    private RangeEnds() {
    }

    /**
     * etcd's {@code mkGteRange}: an empty range end reads one key (null), {@code "\0"} reads every
     * key from the start key on (empty), anything else is the exclusive end.
     */
    static ByteString toStore(ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return null;
        }
        if (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0) {
            return ByteString.EMPTY;
        }
        return rangeEnd;
    }
}
