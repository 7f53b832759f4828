package io.etcdj.transport.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The buffered bytes a client sent on one connection. Reads are serialized by a lock so that a
 * second thread may wait for the client's next bytes ({@link #awaitData()}) while a request is
 * being answered: that is how a closed connection is noticed during a long poll (Go's
 * {@code CloseNotify} does the same background read). The bytes such a wait reads stay buffered
 * for the next request; nothing is lost.
 */
final class ConnectionInput {
    private static final int BUFFER_BYTES = 16 * 1024;

    private final InputStream socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private boolean ended;

    ConnectionInput(InputStream socket) {
        this.socket = socket;
    }

    /** The next byte, or -1 at the end of the connection. */
    int read() throws IOException {
        lock.lock();
        try {
            if (!fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code length} bytes (at least one unless the connection ended, then -1). */
    int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(buffer, position, into, offset, n);
            position += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until at least one byte is buffered (true) or the client closed the connection or it
     * failed (false). Consumes nothing.
     */
    boolean awaitData() {
        lock.lock();
        try {
            return fill();
        } catch (IOException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether bytes are buffered now, without reading the socket. */
    boolean hasBuffered() {
        lock.lock();
        try {
            return position < limit;
        } finally {
            lock.unlock();
        }
    }

    /** Makes sure a byte is buffered; false at the end of the stream. Called with the lock held. */
    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        if (ended) {
            return false;
        }
        int n = socket.read(buffer, 0, buffer.length);
        if (n < 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = n;
        return n > 0 || fill();
    }
}
