package io.etcdj.server.maintenance;

import io.etcdj.spi.server.SnapshotStream;
import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.ReadView;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A point-in-time copy of every backend bucket, for {@code Maintenance.Snapshot}. The copy is
 * spooled to a temporary file first — the client must be told the total size up front
 * ({@code remaining_bytes}), and a slow client must not pin the backend's read view — then
 * streamed and deleted.
 *
 * <p>Format (etcdj's own; reading etcd's bbolt snapshots is a later feature), big-endian:
 * <pre>
 * "ETCDJSNP" (8 bytes), version u32 = 1, bucket count u32
 * per bucket: name length u16, name (UTF-8), then entries: key length u32 (&gt; 0), key, value length u32, value;
 *             a key length of 0 ends the bucket
 * zero padding to a multiple of 512 bytes (etcdctl recognises a checksum only when the size is
 *             512·n + 32, as bbolt files are whole pages)
 * SHA-256 (32 bytes) of everything before it — as etcd appends to its snapshots, so etcdctl verifies it
 * </pre>
 */
public final class BackendSnapshot implements SnapshotStream {
    static final byte[] MAGIC = "ETCDJSNP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Path file;
    private final InputStream in;
    private long remaining;

    private BackendSnapshot(Path file) throws IOException {
        this.file = file;
        this.remaining = Files.size(file);
        this.in = Files.newInputStream(file);
    }

    /** Writes the snapshot of {@code buckets} into a temp file in {@code spoolDir}. */
    public static BackendSnapshot create(Backend backend, List<String> buckets, Path spoolDir) throws IOException {
        Files.createDirectories(spoolDir);
        Path file = Files.createTempFile(spoolDir, "snapshot-", ".tmp");
        try (ReadView view = backend.readView()) {
            write(view, buckets, file);
            return new BackendSnapshot(file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Writes every record of {@code buckets} as {@code view} sees them to {@code file}, in the format above. */
    public static void write(ReadView view, List<String> buckets, Path file) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                 DigestOutputStream digest = new DigestOutputStream(raw, sha);
                 CountingOutput counted = new CountingOutput(digest);
                 DataOutputStream out = new DataOutputStream(counted)) {
                out.write(MAGIC);
                out.writeInt(1);
                out.writeInt(buckets.size());
                for (String bucket : buckets) {
                    byte[] name = bucket.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.writeShort(name.length);
                    out.write(name);
                    view.scan(bucket, new byte[0], null, (k, v) -> {
                        try {
                            out.writeInt(k.length);
                            out.write(k);
                            out.writeInt(v.length);
                            out.write(v);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return true;
                    });
                    out.writeInt(0);
                }
                out.flush();
                int padding = (int) ((512 - counted.count % 512) % 512);
                out.write(new byte[padding]);
                out.flush();
                digest.on(false);
                raw.write(sha.digest());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** Counts bytes as a long (DataOutputStream's own count stops at 2 GiB). */
    private static final class CountingOutput extends java.io.FilterOutputStream {
        long count;

        CountingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    @Override
    public long remainingBytes() {
        return remaining;
    }

    @Override
    public byte[] next(int max) throws IOException {
        byte[] chunk = in.readNBytes((int) Math.min(max, remaining));
        remaining -= chunk.length;
        return chunk;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // best effort: the file is deleted next
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.getLogger("etcdserver").log(System.Logger.Level.WARNING, "could not delete snapshot spool " + file, e);
        }
    }
}
