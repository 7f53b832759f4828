package io.etcdj.transport.grpc.peer;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving end of a snapshot transfer as a blocking {@link InputStream} of exactly
 * {@code size} bytes: gRPC pushes chunks in with {@link #offer}, the handler's thread reads them.
 * At most {@value #WINDOW_CHUNKS} chunks wait here: each chunk read to its end asks the sender for
 * one more through {@code requestMore}, so a slow reader holds the sender back through HTTP/2 flow
 * control rather than filling memory.
 */
final class SnapshotDataStream extends InputStream {
    /** Chunks requested from the sender ahead of the reader. */
    static final int WINDOW_CHUNKS = 4;

    private final long size;
    private final Runnable requestMore;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteString> chunks = new ArrayDeque<>();
    private ByteString current = ByteString.EMPTY;
    private int offsetInCurrent;
    private long received;
    private long consumed;
    private boolean ended;
    private IOException failure;
    private boolean closed;

    /** @param requestMore asks the sender for one more chunk; called without any lock held */
    SnapshotDataStream(long size, Runnable requestMore) {
        this.size = size;
        this.requestMore = requestMore;
    }

    /** A chunk arrived. One that goes beyond {@code size} fails the stream. */
    void offer(ByteString chunk) {
        lock.lock();
        try {
            if (failure != null || closed) {
                return;
            }
            received += chunk.size();
            if (received > size) {
                failure = new IOException("the sender sent more than the announced " + size + " bytes of snapshot data");
            } else if (!chunk.isEmpty()) {
                chunks.add(chunk);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sender finished sending. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The transfer broke (cancelled, connection lost, transport closing): reads fail from now on. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        boolean exhaustedChunk = false;
        int n;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("snapshot data stream closed");
                }
                if (failure != null) {
                    throw failure;
                }
                if (consumed == size) {
                    return -1;
                }
                if (offsetInCurrent < current.size()) {
                    break;
                }
                ByteString next = chunks.poll();
                if (next != null) {
                    current = next;
                    offsetInCurrent = 0;
                    continue;
                }
                if (ended) {
                    throw new IOException("snapshot data ended after " + consumed + " of " + size + " bytes");
                }
                changed.await();
            }
            n = Math.min(len, current.size() - offsetInCurrent);
            current.copyTo(b, offsetInCurrent, off, n);
            offsetInCurrent += n;
            consumed += n;
            exhaustedChunk = offsetInCurrent == current.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for snapshot data");
        } finally {
            lock.unlock();
        }
        if (exhaustedChunk) {
            requestMore.run();
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, current.size() - offsetInCurrent
                    + chunks.stream().mapToLong(ByteString::size).sum());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            current = ByteString.EMPTY;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
