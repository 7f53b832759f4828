package io.etcdj.wal;

import static io.etcdj.wal.RecordFormat.ALIGNMENT;
import static io.etcdj.wal.RecordFormat.RECORD_HEADER_BYTES;
import static io.etcdj.wal.RecordFormat.SECTOR_BYTES;
import static io.etcdj.wal.RecordFormat.SEGMENT_HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads one segment into memory, feeds its records to a {@link LogReplay}, and, for the last segment,
 * decides whether damage at its end is a torn append (to be cut off) or corruption.
 *
 * <p>The buffer is reused across segments; it is sized by the largest segment read.
 */
final class SegmentDecoder {
    /** Where the intact records of a segment end, and why the rest (if any) is a torn tail. */
    record Scan(long validEnd, String tornReason) {
    }

    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[0];
    private int size;
    /** Set by {@link #intactFrameBytes} when it returns -1. */
    private String damage;

    /** Reads the whole file behind {@code channel} into the buffer. */
    void load(Path file, FileChannel channel) throws IOException {
        long length = channel.size();
        if (length > Integer.MAX_VALUE - 16) {
            throw new WalCorruptException(file, "segment of " + length + " bytes is larger than any segment this WAL writes");
        }
        size = (int) length;
        if (buf.length < size) {
            buf = new byte[size];
        }
        ByteBuffer view = ByteBuffer.wrap(buf, 0, size);
        while (view.hasRemaining()) {
            if (channel.read(view, view.position()) < 0) {
                throw new IOException("wal: " + file + " shrank while being read");
            }
        }
    }

    /**
     * Decodes the loaded segment. Any damage in a segment that is not the last one is corruption. In
     * the last segment the first damaged record starts a torn tail, unless intact records follow it
     * with no unwritten sector in between (see the package documentation).
     */
    Scan decode(Path file, boolean last, LogReplay replay) throws WalCorruptException {
        checkSegmentHeader(file);
        int off = SEGMENT_HEADER_BYTES;
        while (off < size) {
            int frameBytes = intactFrameBytes(off);
            if (frameBytes < 0) {
                // The head records are written before the segment is renamed into place, so they cannot be torn.
                int next = last && off > SEGMENT_HEADER_BYTES ? nextIntactFrame(off) : -1;
                if (!last || off == SEGMENT_HEADER_BYTES || next >= 0 && !containsUnwrittenSector(off, next)) {
                    throw new WalCorruptException(file, off, damage);
                }
                replay.endSegment(off);
                return new Scan(off, next < 0 ? damage
                        : damage + "; an unwritten sector follows, so the intact records from offset " + next
                                + " on were never synced and are dropped too");
            }
            int code = buf[off + 8] & 0xff;
            RecordType type = RecordType.ofCode(code);
            if (type == null) {
                throw new WalCorruptException(file, off, "unknown record type " + code);
            }
            if (buf[off + 9] != 0 || buf[off + 10] != 0 || buf[off + 11] != 0) {
                throw new WalCorruptException(file, off, "reserved header bytes are not zero");
            }
            replay.apply(type, buf, off + RECORD_HEADER_BYTES, RecordFormat.getIntLE(buf, off + 4), off);
            off += frameBytes;
        }
        replay.endSegment(off);
        return new Scan(off, null);
    }

    private void checkSegmentHeader(Path file) throws WalCorruptException {
        if (size < SEGMENT_HEADER_BYTES) {
            throw new WalCorruptException(file, 0, "segment header is missing");
        }
        if (RecordFormat.getIntLE(buf, 0) != RecordFormat.MAGIC) {
            throw new WalCorruptException(file, 0, "not a wal segment (bad magic)");
        }
        int version = RecordFormat.getIntLE(buf, 4);
        if (version != RecordFormat.VERSION) {
            throw new WalCorruptException(file, 0, "unsupported segment format version " + version);
        }
    }

    /** Size of the frame at {@code off} if it lies within the file and its CRC matches; else -1 and {@link #damage} says why. */
    private int intactFrameBytes(int off) {
        if (size - off < RECORD_HEADER_BYTES) {
            damage = "incomplete record header at end of file";
            return -1;
        }
        long payloadBytes = RecordFormat.getIntLE(buf, off + 4) & 0xffffffffL;
        if (payloadBytes > RecordFormat.MAX_PAYLOAD_BYTES
                || off + (long) RecordFormat.frameBytes((int) payloadBytes) > size) {
            damage = "record of " + payloadBytes + " payload bytes runs past end of file";
            return -1;
        }
        int frameBytes = RecordFormat.frameBytes((int) payloadBytes);
        if (RecordFormat.frameCrc(crc, buf, off, frameBytes) != RecordFormat.getIntLE(buf, off)) {
            damage = "crc mismatch";
            return -1;
        }
        return frameBytes;
    }

    /**
     * Offset of the first intact record after the damaged one at {@code damaged}, or -1. An all-zero
     * sector between the two was never written, which proves no sync covered it (a sync persists every
     * earlier write) and so nothing after it was acknowledged; see {@link #containsUnwrittenSector}.
     */
    private int nextIntactFrame(int damaged) {
        String reason = damage;
        try {
            for (int at = damaged + ALIGNMENT; at + RECORD_HEADER_BYTES <= size; at += ALIGNMENT) {
                if (plausibleHeader(at) && intactFrameBytes(at) > 0) {
                    return at;
                }
            }
            return -1;
        } finally {
            damage = reason;
        }
    }

    /** Cheap filter before the CRC: a known type, zero reserved bytes, a length that fits. */
    private boolean plausibleHeader(int at) {
        int code = buf[at + 8] & 0xff;
        return RecordType.ofCode(code) != null && buf[at + 9] == 0 && buf[at + 10] == 0 && buf[at + 11] == 0
                && (RecordFormat.getIntLE(buf, at + 4) & 0xffffffffL) <= size - at - RECORD_HEADER_BYTES;
    }

    /**
     * Whether {@code [from, to)} has an all-zero sector: a whole 512-byte-aligned sector, or the part
     * of the first sector from {@code from} on. The part of the last sector before {@code to} does not
     * count: that sector also holds the intact record at {@code to}, so it was written.
     */
    private boolean containsUnwrittenSector(int from, int to) {
        int chunkStart = from;
        for (int boundary = (from / SECTOR_BYTES + 1) * SECTOR_BYTES; boundary <= to; boundary += SECTOR_BYTES) {
            if (RecordFormat.allZero(buf, chunkStart, boundary)) {
                return true;
            }
            chunkStart = boundary;
        }
        return false;
    }
}
