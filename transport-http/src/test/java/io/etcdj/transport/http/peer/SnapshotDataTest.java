package io.etcdj.transport.http.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SnapshotDataTest {
    @Test
    void endsAfterSizeBytesLeavingTheRestOfTheBody() throws IOException {
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5});
        SnapshotData data = new SnapshotData(body, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, data.readAllBytes());
        assertEquals(-1, data.read());
        assertEquals(2, body.available(), "read beyond the snapshot data");
    }

    @Test
    void bodyEndingEarlyFailsTheRead() {
        SnapshotData data = new SnapshotData(new ByteArrayInputStream(new byte[] {1, 2}), 4);
        EOFException e = assertThrows(EOFException.class, data::readAllBytes);
        assertTrue(e.getMessage().contains("after 2 of 4 bytes"), e.getMessage());
    }

    @Test
    void drainReadsWhatTheHandlerLeft() throws IOException {
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[200_000]);
        SnapshotData data = new SnapshotData(body, 150_000);
        assertEquals(10, data.readNBytes(10).length);
        data.close();
        data.drain();
        assertEquals(50_000, body.available());
        assertThrows(IOException.class, data::read, "read after close");
    }
}
