package io.etcdj.spi.server;

import java.io.IOException;

/**
 * A point-in-time snapshot of the whole backend being streamed to a client ({@code Maintenance.Snapshot}).
 * The bytes end with the SHA-256 of everything before them, as etcd's do, so {@code etcdctl snapshot save}
 * can verify what it received.
 */
public interface SnapshotStream extends AutoCloseable {
    /** The bytes still to send, the trailing checksum included. */
    long remainingBytes();

    /** Up to {@code max} next bytes; an empty array once everything was read. */
    byte[] next(int max) throws IOException;

    /** Releases the point-in-time view. */
    @Override
    void close();
}
