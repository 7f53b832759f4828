package io.etcdj.wal;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write-ahead log of one etcdj member: an append-only sequence of segment files holding Raft
 * entries, hard states and snapshot marks. The format, the durability rules and the torn-tail repair
 * are described in the package documentation.
 *
 * <p><b>Durability.</b> {@link #save} only hands bytes to the operating system; nothing is durable
 * until {@link #sync} returns (group commit: several saves, one sync). {@link #saveSnapshot} and
 * {@link #close} sync. Starting a new segment (inside {@code save} or {@code saveSnapshot}) syncs the
 * finished segment, the new one and the directory.
 *
 * <p><b>Threads.</b> Not thread-safe: one writer thread owns a {@code Wal} (in etcdj the Raft loop).
 * Calls from several threads must be serialized by the caller.
 *
 * <p><b>Failures.</b> After an {@link IOException} from a write or sync the state of the tail on disk
 * is unknown (a failed fsync may have dropped data the kernel then reports clean), so every later call
 * throws {@link IllegalStateException}. Reopening repairs what can be repaired.
 *
 * <p>The tail segment is locked ({@link FileChannel#tryLock()}) while the {@code Wal} is open, so a
 * second writer on the same directory fails to open.
 */
public final class Wal implements Closeable {
    private static final System.Logger LOG = System.getLogger(Wal.class.getName());
    /**
     * Directories with an open Wal in this JVM. The file lock alone cannot guard against a second
     * open in the same JVM: closing any channel of a file drops the process's POSIX locks on it.
     */
    private static final Set<Path> OPEN_DIRS = ConcurrentHashMap.newKeySet();

    /** An opened WAL, ready to append, and what was read from it. */
    public record Opened(Wal wal, WalContents contents) {
    }

    private final Path dir;
    /** {@link #dir} resolved, the key in {@link #OPEN_DIRS}. */
    private final Path realDir;
    private final WalOptions options;
    private final byte[] metadata;
    private final RecordEncoder encoder = new RecordEncoder();
    /** Live segments, oldest first; the last one is the tail. */
    private final List<SegmentName> segments;

    private FileChannel tail;
    private long tailSize;
    /** Index of the last entry written, or of the last snapshot mark if higher (see {@link LogReplay}). */
    private long lastIndex;
    private SnapshotMetadata mark;
    private HardState state;
    private boolean unsynced;
    private long syncCount;
    private IOException failure;
    private boolean closed;

    private Wal(Path dir, Path realDir, WalOptions options, byte[] metadata, List<SegmentName> segments,
            long lastIndex, SnapshotMetadata mark, HardState state) {
        this.dir = dir;
        this.realDir = realDir;
        this.options = options;
        this.metadata = metadata;
        this.segments = new ArrayList<>(segments);
        this.lastIndex = lastIndex;
        this.mark = mark;
        this.state = state;
    }

    /**
     * Creates a WAL in {@code dir} (created if missing) whose first segment holds {@code metadata}, and
     * returns it ready to append. The new WAL is durable when this returns.
     *
     * @throws FileAlreadyExistsException if {@code dir} already holds a segment file
     */
    public static Wal create(Path dir, byte[] metadata, WalOptions options) throws IOException {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(options, "options");
        if (exists(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "wal: directory already holds a write-ahead log");
        }
        Files.createDirectories(dir);
        Path realDir = claim(dir);
        Wal wal = new Wal(dir, realDir, options, metadata.clone(), List.of(), 0, null, HardState.getDefaultInstance());
        try {
            // The WAL exists from the moment its first, complete segment is renamed into place.
            wal.startSegment(new SegmentName(0, 1));
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                WalDirectory.sync(parent); // dir itself may be new
            }
        } catch (IOException | RuntimeException e) {
            wal.closeQuietly(e);
            throw e;
        }
        return wal;
    }

    /** Whether {@code dir} holds a WAL, i.e. at least one segment file. */
    public static boolean exists(Path dir) throws IOException {
        return WalDirectory.holdsSegments(dir);
    }

    /**
     * Opens the WAL in {@code dir}: reads every segment, repairs a torn tail of the last one (see the
     * package documentation), and positions the writer at the end.
     *
     * @throws java.nio.file.NoSuchFileException if {@code dir} is missing or holds no segment
     * @throws WalCorruptException               if the log is damaged beyond a torn tail
     * @throws IOException                       if the WAL is open by another writer, or on I/O failure
     */
    public static Opened open(Path dir, WalOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        WalDirectory.Listing listing = WalDirectory.list(dir);
        Path realDir = claim(dir);
        FileChannel tail = null;
        try {
            List<SegmentName> segments = listing.segments();
            Path lastPath = dir.resolve(segments.getLast().fileName());
            tail = FileChannel.open(lastPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
            lock(tail, lastPath);
            // A writer may have started a new segment between listing and locking.
            if (!WalDirectory.list(dir).segments().getLast().equals(segments.getLast())) {
                throw new IOException("wal: " + dir + " is in use by another writer");
            }
            LogReplay replay = new LogReplay();
            SegmentDecoder decoder = new SegmentDecoder();
            SegmentDecoder.Scan scan = null;
            for (SegmentName name : segments) {
                Path path = dir.resolve(name.fileName());
                boolean last = name.equals(segments.getLast());
                replay.startSegment(path, name);
                if (last) {
                    decoder.load(path, tail);
                } else {
                    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                        decoder.load(path, channel);
                    }
                }
                scan = decoder.decode(path, last, replay);
            }
            long repaired = tail.size() - scan.validEnd();
            // Checked before repairing: a corrupt log is left exactly as found.
            WalContents contents = replay.finish(lastPath, repaired);
            if (repaired > 0) {
                tail.truncate(scan.validEnd());
                tail.force(false);
                LOG.log(System.Logger.Level.WARNING, "wal: repaired torn tail of {0}: cut {1} bytes at offset {2} ({3})",
                        lastPath, Long.toString(repaired), Long.toString(scan.validEnd()), scan.tornReason());
            }
            // Segments never completed hold nothing; only a writer holding the lock may drop them.
            for (Path temp : listing.tempFiles()) {
                LOG.log(System.Logger.Level.INFO, "wal: deleting incomplete segment {0}", temp);
                Files.deleteIfExists(temp);
            }
            if (!listing.tempFiles().isEmpty() || repaired > 0) {
                WalDirectory.sync(dir);
            }
            Wal wal = new Wal(dir, realDir, options, replay.metadata(), segments, replay.lastIndex(), replay.mark(),
                    replay.state());
            wal.tail = tail;
            wal.tailSize = scan.validEnd();
            return new Opened(wal, contents);
        } catch (IOException | RuntimeException e) {
            OPEN_DIRS.remove(realDir);
            if (tail != null) {
                try {
                    tail.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Appends {@code entries} (in that order) and then {@code state}, in one write. Does not sync.
     *
     * <p>{@code state} may be null or empty (all zero), meaning unchanged; a state equal to the last one
     * saved is not written again. {@code entries} must have consecutive indexes; the first may be at
     * most one past the last index written (a lower one overwrites, as Raft truncation requires) and
     * must be above the last snapshot mark.
     *
     * @throws IllegalArgumentException if the entries break those rules (nothing is written)
     */
    public void save(HardState state, List<Entry> entries) throws IOException {
        ensureWritable();
        boolean writeState = state != null && !isEmpty(state) && !state.equals(this.state);
        if (!writeState && entries.isEmpty()) {
            return;
        }
        checkAppendable(entries);
        long batchBytes = writeState ? RecordEncoder.frameBytes(state) : 0;
        for (Entry e : entries) {
            batchBytes += RecordEncoder.frameBytes(e);
        }
        try {
            startSegmentIfFull();
            encoder.begin(batchBytes);
            for (Entry e : entries) {
                encoder.record(RecordType.ENTRY, e);
            }
            if (writeState) {
                encoder.record(RecordType.STATE, state);
            }
            appendBatch();
        } catch (IOException e) {
            throw fail(e);
        }
        if (!entries.isEmpty()) {
            lastIndex = entries.getLast().getIndex();
        }
        if (writeState) {
            this.state = state;
        }
    }

    /**
     * Makes everything saved so far durable: one {@code fdatasync} of the tail segment
     * ({@code FileChannel.force(false)}), skipped if nothing was written since the last sync.
     */
    public void sync() throws IOException {
        ensureWritable();
        if (!unsynced) {
            return;
        }
        try {
            tail.force(false);
        } catch (IOException e) {
            throw fail(e);
        }
        unsynced = false;
        syncCount++;
    }

    /**
     * Appends a snapshot mark and syncs: when this returns the mark and everything saved before it are
     * durable. Call it after the snapshot itself is durable (a mark promises the snapshot exists).
     * Later opens return only entries above the last mark.
     *
     * @throws IllegalArgumentException if {@code mark} is below the previous mark
     */
    public void saveSnapshot(SnapshotMetadata mark) throws IOException {
        ensureWritable();
        Objects.requireNonNull(mark, "mark");
        if (mark.getIndex() < markIndex()) {
            throw new IllegalArgumentException(
                    "wal: snapshot mark at index " + mark.getIndex() + " is below the previous mark at " + markIndex());
        }
        try {
            startSegmentIfFull();
            encoder.begin(RecordEncoder.frameBytes(mark));
            encoder.record(RecordType.SNAPSHOT, mark);
            appendBatch();
        } catch (IOException e) {
            throw fail(e);
        }
        this.mark = mark;
        lastIndex = Math.max(lastIndex, mark.getIndex());
        sync();
    }

    /**
     * Deletes, oldest first, the segments all of whose entries are below {@code index}; never the
     * segment that may contain {@code index}, any later one, or the tail. Call it once the state
     * machine is durable at a snapshot at or above {@code index}. The deletions are durable when this
     * returns (the directory is synced); if it fails midway the remaining segments still form a valid
     * log.
     *
     * @throws IllegalArgumentException if {@code index} is above the last snapshot mark (the entries
     *                                  after the mark would be lost)
     */
    public void releaseTo(long index) throws IOException {
        ensureWritable();
        if (index > markIndex()) {
            throw new IllegalArgumentException(
                    "wal: cannot release to index " + index + " beyond the last snapshot mark at " + markIndex());
        }
        // Segment k holds no live entry at or above the first index of segment k+1 (see SegmentName).
        boolean deleted = false;
        while (segments.size() > 1 && segments.get(1).firstIndex() <= index) {
            Files.deleteIfExists(dir.resolve(segments.getFirst().fileName()));
            segments.removeFirst();
            deleted = true;
        }
        if (deleted) {
            WalDirectory.sync(dir);
        }
    }

    /** Syncs (unless an earlier I/O failure made that pointless) and releases the files. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null && unsynced) {
                tail.force(false);
                unsynced = false;
            }
        } finally {
            try {
                tail.close(); // also releases the lock
            } finally {
                OPEN_DIRS.remove(realDir);
            }
        }
    }

    /** The directory this WAL lives in. */
    public Path dir() {
        return dir;
    }

    /** The segment files currently making up the log, oldest first. */
    public List<Path> segmentFiles() {
        return segments.stream().map(s -> dir.resolve(s.fileName())).toList();
    }

    /** Number of data syncs performed by {@link #sync} (a cheap metric; also lets tests see group commit). */
    public long syncCount() {
        return syncCount;
    }

    private void checkAppendable(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.getFirst().getIndex();
        if (first <= markIndex()) {
            throw new IllegalArgumentException(
                    "wal: entry index " + first + " is at or below the snapshot mark at " + markIndex());
        }
        if (first > lastIndex + 1) {
            throw new IllegalArgumentException(
                    "wal: entries would leave a gap: last index " + lastIndex + ", first new index " + first);
        }
        long expected = first;
        for (Entry e : entries) {
            if (e.getIndex() != expected) {
                throw new IllegalArgumentException(
                        "wal: entry indexes are not consecutive: expected " + expected + ", got " + e.getIndex());
            }
            expected++;
        }
    }

    private void startSegmentIfFull() throws IOException {
        if (tailSize >= options.segmentSizeBytes()) {
            startSegment(new SegmentName(segments.getLast().seq() + 1, lastIndex + 1));
        }
    }

    /**
     * Makes {@code name} the tail. The new segment is written in full under a temporary name, synced,
     * renamed into place and the directory synced, so a segment file never exists half-written. The old
     * tail is synced first: {@link #sync} only covers the tail.
     */
    private void startSegment(SegmentName name) throws IOException {
        if (tail != null) {
            tail.force(false);
            unsynced = false;
        }
        Path temp = dir.resolve(name.tempFileName());
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        long headBytes;
        try {
            lock(channel, temp); // the lock survives the rename
            headBytes = writeSegmentHead(channel);
            channel.force(false);
            Files.move(temp, dir.resolve(name.fileName()), StandardCopyOption.ATOMIC_MOVE);
            WalDirectory.sync(dir);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        FileChannel old = tail;
        tail = channel;
        tailSize = headBytes;
        segments.add(name);
        if (old != null) {
            old.close();
        }
    }

    /** Segment header, METADATA, then the current snapshot mark and hard state so no segment depends on older ones. */
    private long writeSegmentHead(FileChannel channel) throws IOException {
        boolean withState = !isEmpty(state);
        long bytes = RecordFormat.SEGMENT_HEADER_BYTES + RecordEncoder.frameBytes(metadata.length)
                + (mark != null ? RecordEncoder.frameBytes(mark) : 0) + (withState ? RecordEncoder.frameBytes(state) : 0);
        encoder.begin(bytes);
        encoder.segmentHeader();
        encoder.record(RecordType.METADATA, metadata);
        if (mark != null) {
            encoder.record(RecordType.SNAPSHOT, mark);
        }
        if (withState) {
            encoder.record(RecordType.STATE, state);
        }
        return encoder.writeTo(channel, 0);
    }

    private void appendBatch() throws IOException {
        tailSize += encoder.writeTo(tail, tailSize);
        unsynced = true;
    }

    /** Registers {@code dir} as open in this JVM; returns its real path. */
    private static Path claim(Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!OPEN_DIRS.add(real)) {
            throw new IOException("wal: " + dir + " is already open in this process");
        }
        return real;
    }

    private static void lock(FileChannel channel, Path file) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException("wal: " + file + " is locked by another writer");
        }
    }

    private long markIndex() {
        return mark == null ? 0 : mark.getIndex();
    }

    private static boolean isEmpty(HardState s) {
        return s.getTerm() == 0 && s.getVote() == 0 && s.getCommit() == 0;
    }

    private void ensureWritable() {
        if (closed) {
            throw new IllegalStateException("wal: closed");
        }
        if (failure != null) {
            throw new IllegalStateException("wal: unusable after an I/O failure; reopen it to recover", failure);
        }
    }

    private IOException fail(IOException e) {
        failure = e;
        return e;
    }

    private void closeQuietly(Exception cause) {
        closed = true;
        OPEN_DIRS.remove(realDir);
        if (tail != null) {
            try {
                tail.close();
            } catch (IOException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }
}
