package io.etcdj.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Constants and byte-level helpers of the segment format described in the package documentation.
 * Every multi-byte integer is little-endian.
 */
final class RecordFormat {
    /** "EJWL": the first four bytes of every segment file. */
    static final int MAGIC = 'E' | 'J' << 8 | 'W' << 16 | 'L' << 24;
    static final int VERSION = 1;
    /** Magic (4) + version (4); records start right after, 8-byte aligned. */
    static final int SEGMENT_HEADER_BYTES = 8;

    /** CRC32C (4) + payload length (4) + type (1) + three reserved zero bytes. */
    static final int RECORD_HEADER_BYTES = 12;
    /** Every record starts at a multiple of this many bytes from the file start. */
    static final int ALIGNMENT = 8;
    /**
     * The unit a disk writes atomically. A torn (never written) sector reads back as zeros; the repair
     * logic looks for such sectors. 4 KiB-sector disks are covered too: an unwritten 4 KiB sector is
     * eight unwritten 512-byte ones.
     */
    static final int SECTOR_BYTES = 512;
    /** Largest payload a record may carry; keeps a frame (and a segment read into memory) within an int. */
    static final int MAX_PAYLOAD_BYTES = 1 << 30;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private RecordFormat() {
    }

    /** Bytes a record with this payload occupies on disk: header + payload + zero padding to {@link #ALIGNMENT}. */
    static int frameBytes(int payloadBytes) {
        return (RECORD_HEADER_BYTES + payloadBytes + ALIGNMENT - 1) & -ALIGNMENT;
    }

    static int getIntLE(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    static void putIntLE(byte[] b, int off, int value) {
        INT_LE.set(b, off, value);
    }

    /**
     * The checksum stored in a frame: CRC32C over everything after the checksum field, i.e. the length,
     * the type word, the payload and the padding.
     */
    static int frameCrc(CRC32C crc, byte[] b, int frameStart, int frameBytes) {
        crc.reset();
        crc.update(b, frameStart + 4, frameBytes - 4);
        return (int) crc.getValue();
    }

    static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
