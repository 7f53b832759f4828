package io.etcdj.wal;

/** The kinds of record a segment holds; {@link #code} is the byte stored on disk. */
enum RecordType {
    /** The opaque bytes given to {@link Wal#create}; the first record of every segment. */
    METADATA(1),
    /** A {@code raftpb.Entry}. */
    ENTRY(2),
    /** A {@code raftpb.HardState}; the last one written wins. */
    STATE(3),
    /** A snapshot mark: a {@code raftpb.SnapshotMetadata} (index, term, ConfState). */
    SNAPSHOT(4);

    final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The type with this on-disk code, or null if none. */
    static RecordType ofCode(int code) {
        return switch (code) {
            case 1 -> METADATA;
            case 2 -> ENTRY;
            case 3 -> STATE;
            case 4 -> SNAPSHOT;
            default -> null;
        };
    }
}
