package io.etcdj.wal;

import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes segment files by hand, straight from the layout in the package documentation and
 * independently of {@link RecordEncoder}, so tests can check the documented format and build damaged
 * logs the writer would refuse to produce.
 */
final class SegmentBuilder {
    static final int METADATA = 1;
    static final int ENTRY = 2;
    static final int STATE = 3;
    static final int SNAPSHOT = 4;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    SegmentBuilder() {
        out.writeBytes(new byte[] {'E', 'J', 'W', 'L', 1, 0, 0, 0});
    }

    SegmentBuilder record(int type, MessageLite message) {
        return record(type, message.toByteArray());
    }

    SegmentBuilder record(int type, byte[] payload) {
        return record(type, payload, new byte[3]);
    }

    SegmentBuilder record(int type, byte[] payload, byte[] reserved) {
        int padded = (12 + payload.length + 7) / 8 * 8;
        ByteBuffer frame = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(0).putInt(payload.length).put((byte) type).put(reserved).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 4, padded - 4);
        frame.putInt(0, (int) crc.getValue());
        out.writeBytes(frame.array());
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    Path writeTo(Path dir, long seq, long firstIndex) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(String.format("%016x-%016x.wal", seq, firstIndex)), bytes());
    }
}
