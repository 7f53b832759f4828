package io.etcdj.wal;

import static io.etcdj.wal.RecordFormat.RECORD_HEADER_BYTES;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Serializes a batch of records into one reusable buffer so that a batch costs one write call.
 *
 * <p>Use: {@link #begin} with the exact batch size (sum of {@link #frameBytes} of its records, plus
 * {@link RecordFormat#SEGMENT_HEADER_BYTES} if it starts a segment), then the records, then
 * {@link #writeTo}. Protobuf messages are serialized straight into the buffer and each frame's CRC is
 * computed over the buffer in place, so a record costs no allocation of its own.
 */
final class RecordEncoder {
    private static final byte[] ZEROS = new byte[RecordFormat.ALIGNMENT];
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[INITIAL_CAPACITY];
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private CodedOutputStream out;
    private int batchBytes;

    /** On-disk size of a record carrying {@code message}. */
    static int frameBytes(MessageLite message) {
        return frameBytes(message.getSerializedSize());
    }

    static int frameBytes(int payloadBytes) {
        if (payloadBytes > RecordFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(
                    "wal: record payload of " + payloadBytes + " bytes exceeds the limit of " + RecordFormat.MAX_PAYLOAD_BYTES);
        }
        return RecordFormat.frameBytes(payloadBytes);
    }

    /** Starts a batch that will be exactly {@code totalBytes} long. */
    void begin(long totalBytes) {
        if (totalBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("wal: batch of " + totalBytes + " bytes is too large for one write");
        }
        int needed = (int) totalBytes;
        if (needed > buf.length) {
            buf = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * buf.length))];
            view = ByteBuffer.wrap(buf);
        }
        batchBytes = needed;
        out = CodedOutputStream.newInstance(buf, 0, needed);
    }

    void segmentHeader() throws IOException {
        out.writeFixed32NoTag(RecordFormat.MAGIC);
        out.writeFixed32NoTag(RecordFormat.VERSION);
    }

    void record(RecordType type, MessageLite message) throws IOException {
        int start = startFrame(type, message.getSerializedSize());
        message.writeTo(out);
        endFrame(start, message.getSerializedSize());
    }

    void record(RecordType type, byte[] payload) throws IOException {
        int start = startFrame(type, payload.length);
        out.writeRawBytes(payload);
        endFrame(start, payload.length);
    }

    private int startFrame(RecordType type, int payloadBytes) throws IOException {
        int start = out.getTotalBytesWritten();
        out.writeFixed32NoTag(0); // CRC, patched in endFrame once the frame's bytes are in place
        out.writeFixed32NoTag(payloadBytes);
        out.writeFixed32NoTag(type.code); // type byte followed by three reserved zero bytes
        return start;
    }

    private void endFrame(int start, int payloadBytes) throws IOException {
        int frameBytes = RecordFormat.frameBytes(payloadBytes);
        out.writeRawBytes(ZEROS, 0, frameBytes - RECORD_HEADER_BYTES - payloadBytes);
        // The array encoder writes straight into buf, so the frame can be checksummed in place.
        RecordFormat.putIntLE(buf, start, RecordFormat.frameCrc(crc, buf, start, frameBytes));
    }

    /** Writes the finished batch at {@code position} of {@code channel}; returns the bytes written. */
    int writeTo(FileChannel channel, long position) throws IOException {
        out.checkNoSpaceLeft(); // the announced size must match what was encoded
        out = null;
        view.clear().limit(batchBytes);
        long at = position;
        while (view.hasRemaining()) {
            at += channel.write(view, at);
        }
        return batchBytes;
    }
}
