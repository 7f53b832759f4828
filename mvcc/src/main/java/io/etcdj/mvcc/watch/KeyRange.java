package io.etcdj.mvcc.watch;

import com.google.protobuf.ByteString;
import java.util.Comparator;

/**
 * The keys one watcher watches: just {@code key} ({@code end == null}), every key from
 * {@code key} on ({@code end} empty), or {@code [key, end)} in unsigned byte order.
 */
record KeyRange(ByteString key, ByteString end) {
    static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    /**
     * etcd 3.4's reading of a watch create request ({@code v3rpc/watch.go}): an empty key is
     * {@code "\0"}, the smallest key; an empty range end watches the key alone; the range end
     * {@code "\0"} watches every key from the key on; any other range end must sort after the key.
     *
     * @return null when the range is empty (etcd's "mvcc: watcher range is empty")
     */
    static KeyRange fromRequest(ByteString key, ByteString rangeEnd) {
        ByteString start = key.isEmpty() ? ByteString.copyFrom(new byte[] {0}) : key;
        if (rangeEnd.isEmpty()) {
            return new KeyRange(start, null);
        }
        if (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0) {
            return new KeyRange(start, ByteString.EMPTY);
        }
        return ORDER.compare(start, rangeEnd) < 0 ? new KeyRange(start, rangeEnd) : null;
    }

    boolean isSingleKey() {
        return end == null;
    }

    /** The exclusive end of a range, null when it is unbounded (not for a single key). */
    ByteString upperBound() {
        return end.isEmpty() ? null : end;
    }

    boolean contains(ByteString k) {
        if (end == null) {
            return key.equals(k);
        }
        return ORDER.compare(k, key) >= 0 && (end.isEmpty() || ORDER.compare(k, end) < 0);
    }
}
