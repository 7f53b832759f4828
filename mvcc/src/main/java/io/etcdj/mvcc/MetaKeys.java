package io.etcdj.mvcc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The keys and value encodings of the store's {@code "meta"} bucket (etcd's names and formats). */
final class MetaKeys {
    /** The applied Raft index: 8 bytes big-endian. */
    static final byte[] CONSISTENT_INDEX = bytes("consistent_index");
    /** The term of the applied Raft entry: 8 bytes big-endian (etcd 3.5's key; 3.4 has none). */
    static final byte[] TERM = bytes("term");
    /** A compaction accepted but maybe not finished: an encoded {@link Revision} {@code rev.0}. */
    static final byte[] SCHEDULED_COMPACT = bytes("scheduledCompactRev");
    /** The last compaction physically finished: an encoded {@link Revision} {@code rev.0}. */
    static final byte[] FINISHED_COMPACT = bytes("finishedCompactRev");

    private MetaKeys() {
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    /** The value stored by {@link #encodeLong}, or {@code absent} when there is none. */
    static long decodeLong(byte[] value, long absent) {
        return value == null ? absent : ByteBuffer.wrap(value).getLong();
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
