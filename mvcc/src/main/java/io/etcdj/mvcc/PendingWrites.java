package io.etcdj.mvcc;

import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Entries of the {@code "key"} bucket written since the last backend commit (encoded revision to
 * serialized {@code KeyValue}), readable by concurrent readers until the backend has them.
 *
 * <p>An instance only grows (apart from the rollback of an aborted write, whose revisions no reader
 * can ask for): at commit the store hands its content to the backend and then replaces the whole
 * instance with a new one. A reader holding an old instance therefore still finds every entry it
 * held, which is what makes {@link MvccStore}'s read protocol race-free.
 */
final class PendingWrites {
    private final ConcurrentSkipListMap<byte[], byte[]> entries = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    void put(byte[] revisionKey, byte[] value) {
        entries.put(revisionKey, value);
    }

    byte[] get(byte[] revisionKey) {
        return entries.get(revisionKey);
    }

    void remove(byte[] revisionKey) {
        entries.remove(revisionKey);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entries in {@code [from, to)} in revision order; {@code to == null} means to the end. */
    NavigableMap<byte[], byte[]> range(byte[] from, byte[] to) {
        return to == null ? entries.tailMap(from, true) : entries.subMap(from, true, to, false);
    }

    /** Every entry in revision order. */
    Iterable<Map.Entry<byte[], byte[]>> all() {
        return entries.entrySet();
    }
}
