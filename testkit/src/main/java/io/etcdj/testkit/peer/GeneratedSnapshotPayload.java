package io.etcdj.testkit.peer;

import io.etcdj.spi.transport.SnapshotPayload;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A snapshot payload of any size whose bytes are computed as they are read (a seeded
 * pseudo-random sequence), so that a test can send hundreds of MiB without holding them. It
 * counts {@link #open()} and {@link #release()} calls, and computes the checksum a receiver must
 * arrive at by reading the same bytes once more.
 */
public final class GeneratedSnapshotPayload implements SnapshotPayload {
    private static final int BLOCK_BYTES = 64 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long size;
    private final long seed;
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();

    public GeneratedSnapshotPayload(long size, long seed) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.size = size;
        this.seed = seed;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() {
        opens.incrementAndGet();
        return new Generator();
    }

    @Override
    public void release() {
        releases.incrementAndGet();
        synchronized (this) {
            notifyAll();
        }
    }

    public int opens() {
        return opens.get();
    }

    public int releases() {
        return releases.get();
    }

    /** Waits until the payload was released at least once; false on giving up after {@code seconds}. */
    public synchronized boolean awaitReleased(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (releases.get() == 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** CRC-32C of the whole payload, computed by generating it again (not counted as an open). */
    public long expectedChecksum() throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = new Generator()) {
            byte[] buffer = new byte[BLOCK_BYTES];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    /** Block {@code k} holds splitmix64 outputs seeded by the payload's seed and {@code k}. */
    private final class Generator extends InputStream {
        private final byte[] block = new byte[BLOCK_BYTES];
        private long position;
        private long blockIndex = -1;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("generated payload stream closed");
            }
            if (len == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int done = 0;
            while (done < len && position < size) {
                long index = position / BLOCK_BYTES;
                if (index != blockIndex) {
                    fill(index);
                }
                int offset = (int) (position % BLOCK_BYTES);
                int n = (int) Math.min(Math.min(len - done, BLOCK_BYTES - offset), size - position);
                System.arraycopy(block, offset, b, off + done, n);
                done += n;
                position += n;
            }
            return done;
        }

        private void fill(long index) {
            long state = seed * 0x9E3779B97F4A7C15L + index;
            for (int i = 0; i < BLOCK_BYTES; i += Long.BYTES) {
                state += 0x9E3779B97F4A7C15L;
                long z = state;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                LONGS.set(block, i, z ^ (z >>> 31));
            }
            blockIndex = index;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
