package io.etcdj.server.apply;

import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.server.maintenance.BackendSnapshot;
import io.etcdj.server.maintenance.BackendSnapshotRestore;
import io.etcdj.server.raft.RaftLoop;
import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.transport.SnapshotPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Snapshot files exchanged between members (etcd's {@code member/snap/*.snap.db}): the leader
 * spools its backend to a temporary file for the transport; a follower writes what it receives to
 * {@code <index as %016x>.snap.db}, fsynced, and keeps it until the backend was restored from it,
 * so a crash during the restore is finished by the next start.
 */
public final class SnapshotFiles {
    private static final System.Logger LOG = System.getLogger("etcdserver");
    private static final String SUFFIX = ".snap.db";

    private final Backend backend;
    private final List<String> buckets;
    private final Path snapDir;

    /** @param snapDir {@code <data-dir>/member/snap} */
    public SnapshotFiles(Backend backend, List<String> buckets, Path snapDir) {
        this.backend = backend;
        this.buckets = List.copyOf(buckets);
        this.snapDir = snapDir;
    }

    /** The file a received snapshot at {@code index} is kept in until restored. */
    public static Path fileFor(Path snapDir, long index) {
        return snapDir.resolve(String.format("%016x", index) + SUFFIX);
    }

    /** Leader: the backend as it is now (read view taken on the caller's thread), spooled later. */
    public RaftLoop.SnapshotSource source() {
        ReadView view = backend.readView();
        AtomicBoolean released = new AtomicBoolean();
        return new RaftLoop.SnapshotSource() {
            @Override
            public SnapshotPayload spool() throws IOException {
                Files.createDirectories(snapDir);
                Path file = Files.createTempFile(snapDir, "send-", ".tmp");
                try {
                    BackendSnapshot.write(view, buckets, file);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                } finally {
                    discard();
                }
                return payload(file);
            }

            @Override
            public void discard() {
                if (released.compareAndSet(false, true)) {
                    view.close();
                }
            }
        };
    }

    private static SnapshotPayload payload(Path file) throws IOException {
        long size = Files.size(file);
        return new SnapshotPayload() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public void release() {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not delete snapshot spool " + file, e);
                }
            }
        };
    }

    /**
     * Follower: writes exactly {@code size} bytes of {@code data} to this snapshot's file, fsynced
     * and verified, and returns it. A short or corrupt transfer leaves nothing behind.
     */
    public Path receive(SnapshotMetadata md, InputStream data, long size) throws IOException {
        Files.createDirectories(snapDir);
        Path target = fileFor(snapDir, md.getIndex());
        Path part = snapDir.resolve(target.getFileName() + ".part");
        try {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                byte[] buf = new byte[1 << 16];
                long left = size;
                while (left > 0) {
                    int n = data.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("etcdserver: snapshot stream ended after " + (size - left) + " of "
                                + size + " bytes");
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
                ch.force(true);
            }
            BackendSnapshotRestore.verify(part, buckets);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(snapDir);
            LOG.log(System.Logger.Level.INFO, "received a snapshot of {0} bytes at index {1}", size, md.getIndex());
            return target;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
    }

    /** Follower: replaces the backend with the file's records (synced). */
    public void restoreBackend(Path file) throws IOException {
        BackendSnapshotRestore.restore(file, backend, buckets);
    }

    /**
     * At start: a snapshot file newer than the backend means a restore was interrupted; returns it
     * (or null), and deletes the files the backend already includes.
     */
    public Path pendingRestore(long backendAppliedIndex, long walSnapshotIndex) throws IOException {
        if (!Files.isDirectory(snapDir)) {
            return null;
        }
        Path pending = null;
        try (var files = Files.list(snapDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    Files.deleteIfExists(f);  // unfinished transfers and spools of an earlier run
                    continue;
                }
                long index = Long.parseUnsignedLong(name.substring(0, name.length() - SUFFIX.length()), 16);
                if (index == walSnapshotIndex && backendAppliedIndex < walSnapshotIndex) {
                    pending = f;
                } else {
                    Files.deleteIfExists(f);
                }
            }
        }
        return pending;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open directories; the rename is then as durable as they make it
        }
    }
}
