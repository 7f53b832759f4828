package io.etcdj.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Folds the records of all segments, oldest first, into the state {@link Wal#open} returns, and checks
 * the invariants the writer guarantees (so that a violation can only mean damage).
 *
 * <p>{@link #lastIndex} mirrors the writer's notion exactly: the index of the last entry written, or
 * of the last snapshot mark if that is higher. A new segment is named after {@code lastIndex + 1}.
 */
final class LogReplay {
    private byte[] metadata;
    private SnapshotMetadata mark;
    private HardState state = HardState.getDefaultInstance();
    /** Entries above the mark, consecutive, in index order. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long lastIndex;
    private boolean segmentStarted;
    private boolean firstSegment = true;

    private Path file;

    /** Called before the first record of each segment. */
    void startSegment(Path file, SegmentName name) throws WalCorruptException {
        this.file = file;
        if (firstSegment) {
            // Older segments may have been released; the name tells where this one continues from.
            lastIndex = name.firstIndex() - 1;
            firstSegment = false;
        } else if (name.firstIndex() != lastIndex + 1) {
            throw new WalCorruptException(file, "segment name says it starts after index " + (name.firstIndex() - 1)
                    + " but the previous segments end at index " + lastIndex);
        }
        segmentStarted = false;
    }

    void apply(RecordType type, byte[] buf, int off, int len, long fileOffset) throws WalCorruptException {
        if (!segmentStarted) {
            if (type != RecordType.METADATA) {
                throw corrupt(fileOffset, "segment does not start with a METADATA record");
            }
            segmentStarted = true;
        } else if (type == RecordType.METADATA) {
            throw corrupt(fileOffset, "METADATA record after the head of the segment");
        }
        switch (type) {
            case METADATA -> applyMetadata(buf, off, len, fileOffset);
            case ENTRY -> applyEntry(parse(type, buf, off, len, fileOffset, Entry.parser()), fileOffset);
            case STATE -> state = parse(type, buf, off, len, fileOffset, HardState.parser());
            case SNAPSHOT -> applyMark(parse(type, buf, off, len, fileOffset, SnapshotMetadata.parser()), fileOffset);
        }
    }

    /** Called after the last record of each segment; {@code fileOffset} is where its records end. */
    void endSegment(long fileOffset) throws WalCorruptException {
        if (!segmentStarted) {
            throw corrupt(fileOffset, "segment holds no METADATA record");
        }
    }

    private void applyMetadata(byte[] buf, int off, int len, long fileOffset) throws WalCorruptException {
        if (metadata == null) {
            metadata = Arrays.copyOfRange(buf, off, off + len);
        } else if (!Arrays.equals(metadata, 0, metadata.length, buf, off, off + len)) {
            throw corrupt(fileOffset, "metadata differs from that of the earlier segments");
        }
    }

    private void applyEntry(Entry e, long fileOffset) throws WalCorruptException {
        long index = e.getIndex();
        long markIndex = markIndex();
        if (index <= markIndex) {
            throw corrupt(fileOffset, "entry index " + index + " is at or below the snapshot mark at " + markIndex);
        }
        if (index > lastIndex + 1) {
            throw corrupt(fileOffset, "missing entries: expected index at most " + (lastIndex + 1) + ", found " + index);
        }
        if (!entries.isEmpty()) {
            // Raft truncation: this entry supersedes every earlier-written one at index >= its own.
            long keep = Math.max(0, index - entries.getFirst().getIndex());
            if (keep < entries.size()) {
                entries.subList((int) keep, entries.size()).clear();
            }
        }
        entries.add(e);
        lastIndex = index;
    }

    private void applyMark(SnapshotMetadata m, long fileOffset) throws WalCorruptException {
        if (m.getIndex() < markIndex()) {
            throw corrupt(fileOffset, "snapshot mark at index " + m.getIndex() + " is below the earlier mark at " + markIndex());
        }
        mark = m;
        if (!entries.isEmpty()) {
            long drop = Math.min(entries.size(), m.getIndex() - entries.getFirst().getIndex() + 1);
            if (drop > 0) {
                entries.subList(0, (int) drop).clear();
            }
        }
        lastIndex = Math.max(lastIndex, m.getIndex());
    }

    long lastIndex() {
        return lastIndex;
    }

    SnapshotMetadata mark() {
        return mark;
    }

    HardState state() {
        return state;
    }

    byte[] metadata() {
        return metadata;
    }

    private long markIndex() {
        return mark == null ? 0 : mark.getIndex();
    }

    /** The result, after checking that the entries continue right after the mark. */
    WalContents finish(Path lastFile, long repairedTailBytes) throws WalCorruptException {
        if (!entries.isEmpty() && entries.getFirst().getIndex() != markIndex() + 1) {
            throw new WalCorruptException(lastFile, "missing entries: the log after the snapshot mark at index "
                    + markIndex() + " starts at index " + entries.getFirst().getIndex());
        }
        return new WalContents(metadata.clone(), mark, state, Collections.unmodifiableList(entries), repairedTailBytes);
    }

    private <T> T parse(RecordType type, byte[] buf, int off, int len, long fileOffset,
            com.google.protobuf.Parser<T> parser) throws WalCorruptException {
        try {
            return parser.parseFrom(buf, off, len);
        } catch (InvalidProtocolBufferException e) {
            // The frame's CRC matched, so this is not a torn write but bytes we cannot have written.
            throw corrupt(fileOffset, "undecodable " + type + " record: " + e.getMessage());
        }
    }

    private WalCorruptException corrupt(long fileOffset, String reason) {
        return new WalCorruptException(file, fileOffset, reason);
    }
}
