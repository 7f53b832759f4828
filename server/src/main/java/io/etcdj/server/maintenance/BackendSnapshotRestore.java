package io.etcdj.server.maintenance;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link BackendSnapshot} file back into a backend: how a member behind the leader's
 * compacted log takes the leader's data. The file is verified whole (magic, version, SHA-256
 * trailer, structure) before the backend is touched.
 *
 * <p>The replacement cannot be one atomic batch for a large snapshot, so it is ordered to be
 * recognisable after a crash: the {@code meta} bucket (which holds the applied index) is cleared
 * first and written last. A backend interrupted midway therefore reports an applied index of 0,
 * below the WAL's snapshot mark, and the restart restores from the same file again.
 */
public final class BackendSnapshotRestore {
    /** Records per backend batch while restoring. */
    private static final int BATCH_RECORDS = 4_096;
    /** Bucket holding the applied index; cleared first and written last (see the class comment). */
    private static final String META_BUCKET = io.etcdj.mvcc.MvccStore.META_BUCKET;

    private BackendSnapshotRestore() {
    }

    /** Checks the file is a complete, uncorrupted snapshot of exactly known buckets; throws if not. */
    public static void verify(Path file, List<String> knownBuckets) throws IOException {
        long size = Files.size(file);
        if (size < 32 + 16 || (size - 32) % 512 != 0) {
            throw new IOException("etcdj: snapshot " + file + " has a size of " + size
                    + " bytes, not a whole snapshot (512·n + 32)");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        byte[] trailer;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long body = size - 32;
            byte[] buf = new byte[1 << 16];
            long left = body;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException("etcdj: snapshot " + file + " ended early");
                }
                sha.update(buf, 0, n);
                left -= n;
            }
            trailer = in.readNBytes(32);
        }
        if (!Arrays.equals(trailer, sha.digest())) {
            throw new IOException("etcdj: snapshot " + file + " fails its SHA-256 check (corrupt or truncated)");
        }
        // Walk the structure without writing anything.
        read(file, knownBuckets, (bucket, key, value) -> {
        });
    }

    /** Replaces every bucket in {@code buckets} with the file's records, then syncs the backend. */
    public static void restore(Path file, Backend backend, List<String> buckets) throws IOException {
        verify(file, buckets);
        clear(backend, List.of(META_BUCKET));
        List<String> others = new ArrayList<>(buckets);
        others.remove(META_BUCKET);
        clear(backend, others);
        Batcher batcher = new Batcher(backend);
        List<byte[][]> meta = new ArrayList<>();
        read(file, buckets, (bucket, key, value) -> {
            if (bucket.equals(META_BUCKET)) {
                meta.add(new byte[][] {key, value});  // small: the applied index and compaction marks
            } else {
                batcher.put(bucket, key, value);
            }
        });
        batcher.flush();
        for (byte[][] kv : meta) {
            batcher.put(META_BUCKET, kv[0], kv[1]);
        }
        batcher.flush();
        backend.sync();
    }

    private static void clear(Backend backend, List<String> buckets) throws IOException {
        Batcher batcher = new Batcher(backend);
        List<byte[]> keys = new ArrayList<>();
        for (String bucket : buckets) {
            keys.clear();
            try (ReadView view = backend.readView()) {
                view.scan(bucket, new byte[0], null, (k, v) -> {
                    keys.add(k);
                    return true;
                });
            }
            for (byte[] k : keys) {
                batcher.delete(bucket, k);
            }
        }
        batcher.flush();
    }

    private interface RecordSink {
        void accept(String bucket, byte[] key, byte[] value) throws IOException;
    }

    private static void read(Path file, List<String> knownBuckets, RecordSink sink) throws IOException {
        long body = Files.size(file) - 32;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = in.readNBytes(BackendSnapshot.MAGIC.length);
            if (!Arrays.equals(magic, BackendSnapshot.MAGIC)) {
                throw new IOException("etcdj: " + file + " is not an etcdj snapshot (bad magic)");
            }
            int version = in.readInt();
            if (version != 1) {
                throw new IOException("etcdj: snapshot " + file + " has unknown version " + version);
            }
            int count = in.readInt();
            long read = BackendSnapshot.MAGIC.length + 8;
            Set<String> seen = new HashSet<>();
            for (int b = 0; b < count; b++) {
                int nameLength = in.readUnsignedShort();
                String bucket = new String(in.readNBytes(nameLength), java.nio.charset.StandardCharsets.UTF_8);
                read += 2 + nameLength;
                if (!knownBuckets.contains(bucket) || !seen.add(bucket)) {
                    throw new IOException("etcdj: snapshot " + file + " has an unknown or repeated bucket \"" + bucket + "\"");
                }
                while (true) {
                    int keyLength = in.readInt();
                    read += 4;
                    if (keyLength == 0) {
                        break;
                    }
                    if (keyLength < 0 || read + keyLength + 4 > body) {
                        throw new IOException("etcdj: snapshot " + file + " has a bad record in bucket " + bucket);
                    }
                    byte[] key = in.readNBytes(keyLength);
                    int valueLength = in.readInt();
                    read += keyLength + 4;
                    if (valueLength < 0 || read + valueLength > body) {
                        throw new IOException("etcdj: snapshot " + file + " has a bad record in bucket " + bucket);
                    }
                    byte[] value = in.readNBytes(valueLength);
                    read += valueLength;
                    sink.accept(bucket, key, value);
                }
            }
        } catch (EOFException e) {
            throw new IOException("etcdj: snapshot " + file + " ended inside a record", e);
        }
    }

    /** Gathers writes into batches of {@link #BATCH_RECORDS}. */
    private static final class Batcher {
        private final Backend backend;
        private WriteBatch batch;

        Batcher(Backend backend) {
            this.backend = backend;
        }

        void put(String bucket, byte[] key, byte[] value) throws IOException {
            current().put(bucket, key, value);
            maybeCommit();
        }

        void delete(String bucket, byte[] key) throws IOException {
            current().delete(bucket, key);
            maybeCommit();
        }

        private WriteBatch current() {
            if (batch == null) {
                batch = backend.newBatch();
            }
            return batch;
        }

        private void maybeCommit() throws IOException {
            if (batch.size() >= BATCH_RECORDS) {
                flush();
            }
        }

        void flush() throws IOException {
            if (batch != null) {
                try {
                    backend.commit(batch);
                } finally {
                    batch.close();
                    batch = null;
                }
            }
        }
    }
}
