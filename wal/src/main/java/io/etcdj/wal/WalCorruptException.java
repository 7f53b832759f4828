package io.etcdj.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log on disk is damaged in a way that is not an interrupted append, so opening it would lose or
 * invent acknowledged data. The WAL is left untouched; an operator has to decide (restore from a
 * peer or a backup).
 *
 * <p>For a damaged record the message reads {@code wal: corrupt record in <file> at offset <N>:
 * <reason>} and {@link #file()} / {@link #offset()} locate it; for problems with the set of segment
 * files (a missing sequence number) {@link #offset()} is -1.
 */
public final class WalCorruptException extends IOException {
    private final transient Path file;
    private final long offset;

    WalCorruptException(Path file, long offset, String reason) {
        super("wal: corrupt record in " + file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    WalCorruptException(Path file, String problem) {
        super("wal: " + problem + " (" + file + ")");
        this.file = file;
        this.offset = -1;
    }

    /** The segment file the damage was found in. */
    public Path file() {
        return file;
    }

    /** Byte offset within {@link #file()} of the damaged record, or -1 if the problem is not one record. */
    public long offset() {
        return offset;
    }
}
