package io.etcdj.mvcc;

import java.nio.ByteBuffer;

/**
 * One change of the key space: {@code main} is the revision of the transaction (every change of
 * one transaction shares it), {@code sub} numbers the changes within it from 0.
 *
 * <p>In the backend's {@code "key"} bucket a revision is the key of the stored pair, encoded as
 * etcd does so that byte order is revision order: 8 bytes big-endian {@code main}, the byte
 * {@code '_'}, 8 bytes big-endian {@code sub} ({@value #BYTES} bytes). A deletion (tombstone) is
 * stored under the same 17 bytes followed by the mark {@code 't'}.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {
    /** Length of an encoded revision. */
    public static final int BYTES = 8 + 1 + 8;
    /** Length of an encoded revision that marks a tombstone. */
    public static final int MARKED_BYTES = BYTES + 1;
    /** The last byte of a tombstone's backend key. */
    public static final byte TOMBSTONE_MARK = 't';
    private static final byte SEPARATOR = '_';

    /** The encoded form ({@value #BYTES} bytes). */
    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).putLong(main).put(SEPARATOR).putLong(sub).array();
    }

    /** The encoded form of a tombstone at this revision ({@value #MARKED_BYTES} bytes). */
    public byte[] toTombstoneBytes() {
        return ByteBuffer.allocate(MARKED_BYTES).putLong(main).put(SEPARATOR).putLong(sub).put(TOMBSTONE_MARK).array();
    }

    /** Decodes the first {@value #BYTES} bytes of a backend key (a tombstone mark is ignored). */
    public static Revision fromBytes(byte[] bytes) {
        if (bytes.length != BYTES && bytes.length != MARKED_BYTES) {
            throw new IllegalArgumentException("not an encoded revision: " + bytes.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long main = buffer.getLong();
        buffer.get();
        return new Revision(main, buffer.getLong());
    }

    /** Whether a backend key of the {@code "key"} bucket marks a tombstone. */
    public static boolean isTombstone(byte[] bytes) {
        return bytes.length == MARKED_BYTES && bytes[MARKED_BYTES - 1] == TOMBSTONE_MARK;
    }

    /**
     * The 8-byte big-endian prefix of {@code main}: it sorts before every encoded revision with
     * that main, so {@code [mainPrefix(a), mainPrefix(b))} spans the revisions with main in [a, b).
     */
    static byte[] mainPrefix(long main) {
        return ByteBuffer.allocate(8).putLong(main).array();
    }

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }

    /** etcd's notation {@code main.sub}. */
    @Override
    public String toString() {
        return main + "." + sub;
    }
}
