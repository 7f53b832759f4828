package io.etcdj.spi.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * The data that follows a {@code MsgSnap} between members: the leader's backend, streamed from a
 * spool file so that a snapshot is never held whole in memory. The transport opens it once per
 * attempt and calls {@link #release()} exactly once when it is done with it, delivered or not.
 */
public interface SnapshotPayload {
    /** Exact number of bytes {@link #open()} yields. */
    long size();

    /** A fresh stream over the whole payload; the caller closes it. */
    InputStream open() throws IOException;

    /** The transport no longer needs the payload (the spool file may be deleted). */
    void release();
}
