package io.etcdj.transport.http.peer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The snapshot data within a request body: exactly {@code size} bytes, then end of stream; a body
 * that ends sooner fails the read. Closing it does not close the body (the endpoint still has to
 * answer on the same exchange).
 */
final class SnapshotData extends InputStream {
    private final InputStream body;
    private final long size;
    private long consumed;
    private boolean closed;

    SnapshotData(InputStream body, long size) {
        this.body = body;
        this.size = size;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("snapshot data stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (consumed == size) {
            return -1;
        }
        int n = body.read(b, off, (int) Math.min(len, size - consumed));
        if (n < 0) {
            throw new EOFException("snapshot data ended after " + consumed + " of " + size + " bytes");
        }
        consumed += n;
        return n;
    }

    /** Reads and discards what the handler left unread, so that the sender finishes sending. */
    void drain() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (consumed < size) {
            int n = body.read(buffer, 0, (int) Math.min(buffer.length, size - consumed));
            if (n < 0) {
                throw new EOFException("snapshot data ended after " + consumed + " of " + size + " bytes");
            }
            consumed += n;
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
