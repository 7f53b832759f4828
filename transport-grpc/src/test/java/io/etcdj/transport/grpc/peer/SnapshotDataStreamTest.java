package io.etcdj.transport.grpc.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapshotDataStreamTest {
    private final AtomicInteger requested = new AtomicInteger();

    @Test
    void readsExactlySizeBytesAcrossChunksAndAsksForOneChunkPerChunkRead() throws IOException {
        SnapshotDataStream in = new SnapshotDataStream(5, requested::incrementAndGet);
        in.offer(ByteString.copyFrom(new byte[] {1, 2}));
        in.offer(ByteString.copyFrom(new byte[] {3, 4, 5}));
        byte[] first = new byte[1];
        assertEquals(1, in.read(first, 0, 1));
        assertEquals(0, requested.get(), "asked for more before a chunk was used up");
        assertArrayEquals(new byte[] {2, 3, 4, 5}, in.readNBytes(10));
        assertEquals(2, requested.get());
        assertEquals(-1, in.read(), "read past size");
        assertEquals(1, first[0]);
    }

    @Test
    void dataEndingBeforeSizeFailsTheRead() throws IOException {
        SnapshotDataStream in = new SnapshotDataStream(4, requested::incrementAndGet);
        in.offer(ByteString.copyFrom(new byte[] {1, 2}));
        in.end();
        assertEquals(2, in.readNBytes(2).length);
        IOException e = assertThrows(IOException.class, in::read);
        assertTrue(e.getMessage().contains("after 2 of 4 bytes"), e.getMessage());
    }

    @Test
    void moreDataThanSizeFailsTheRead() {
        SnapshotDataStream in = new SnapshotDataStream(1, requested::incrementAndGet);
        in.offer(ByteString.copyFrom(new byte[] {1, 2}));
        assertThrows(IOException.class, in::read);
    }

    @Test
    void failureWakesABlockedReader() throws Exception {
        SnapshotDataStream in = new SnapshotDataStream(10, requested::incrementAndGet);
        Throwable[] thrown = new Throwable[1];
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                in.read();
            } catch (IOException e) {
                thrown[0] = e;
            }
        });
        in.fail(new IOException("cut short"));
        reader.join(io.etcdj.testkit.peer.RecordingPeerHandler.WAIT_SECONDS * 1000);
        assertEquals("cut short", thrown[0].getMessage());
    }

    @Test
    void emptySnapshotEndsAtOnce() throws IOException {
        assertEquals(-1, new SnapshotDataStream(0, requested::incrementAndGet).read());
    }
}
