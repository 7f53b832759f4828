package io.etcdj.transport.grpc;

import static io.etcdj.transport.grpc.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.MaintenanceGrpc;
import io.etcdj.api.etcdserverpb.SnapshotRequest;
import io.etcdj.api.etcdserverpb.SnapshotResponse;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.SnapshotStream;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    private static final int CHUNK = 32 * 1024;

    /** A database image followed by its SHA-256, handed out in awkward pieces of at most 1000 bytes. */
    static class FakeSnapshot implements SnapshotStream {
        final byte[] database;
        final byte[] bytes;
        volatile int position;
        final AtomicInteger closes = new AtomicInteger();

        FakeSnapshot(int databaseSize) throws Exception {
            database = new byte[databaseSize];
            new Random(databaseSize).nextBytes(database);
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(database);
            bytes = Arrays.copyOf(database, databaseSize + sha.length);
            System.arraycopy(sha, 0, bytes, databaseSize, sha.length);
        }

        @Override
        public long remainingBytes() {
            return bytes.length - position;
        }

        @Override
        public synchronized byte[] next(int max) {
            int n = Math.min(Math.min(max, 1000), bytes.length - position);
            byte[] out = Arrays.copyOfRange(bytes, position, position + n);
            position += n;
            return out;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private Fixture fixture;
    private volatile CompletableFuture<SnapshotStream> nextSnapshot;

    private Fixture start() throws Exception {
        fixture = new Fixture(new FakeServer() {
            @Override
            public CompletableFuture<SnapshotStream> snapshot(SnapshotRequest request, RequestContext context) {
                return nextSnapshot;
            }
        });
        return fixture;
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private Collector<SnapshotRequest, SnapshotResponse> save(FakeSnapshot snapshot) throws Exception {
        nextSnapshot = CompletableFuture.completedFuture(snapshot);
        Collector<SnapshotRequest, SnapshotResponse> client = Collector.reading();
        MaintenanceGrpc.newStub(fixture.channel).snapshot(SnapshotRequest.getDefaultInstance(), client);
        assertEquals(Status.Code.OK, client.status().getCode());
        return client;
    }

    /** etcd's framing: full chunks, remaining = database bytes after this one, then the digest alone with 0. */
    private static void assertFramedAsEtcd(FakeSnapshot snapshot, java.util.List<SnapshotResponse> responses)
            throws java.io.IOException {
        int size = snapshot.database.length;
        int chunks = (size + CHUNK - 1) / CHUNK;
        assertEquals(chunks + 1, responses.size(), "database chunks and the digest");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long sent = 0;
        for (int i = 0; i < chunks; i++) {
            SnapshotResponse r = responses.get(i);
            int expected = (int) Math.min(CHUNK, size - sent);
            assertEquals(expected, r.getBlob().size(), "size of chunk " + i);
            sent += expected;
            assertEquals(size - sent, r.getRemainingBytes(), "remaining after chunk " + i);
            assertFalse(r.hasHeader(), "etcd 3.4 sends no header");
            r.getBlob().writeTo(all);
        }
        SnapshotResponse digest = responses.getLast();
        assertEquals(32, digest.getBlob().size());
        assertEquals(0, digest.getRemainingBytes());
        all.writeBytes(digest.getBlob().toByteArray());
        assertArrayEquals(snapshot.bytes, all.toByteArray(), "the blobs reassemble to exactly the stream's bytes");
    }

    @Test
    void chunksReassembleToTheExactBytes() throws Exception {
        start();
        FakeSnapshot snapshot = new FakeSnapshot(3 * CHUNK + 100);
        assertFramedAsEtcd(snapshot, save(snapshot).received);
        await(() -> snapshot.closes.get() == 1, "the snapshot was closed once sent");
    }

    @Test
    void aDatabaseOfWholeChunksAndAnEmptyOne() throws Exception {
        start();
        FakeSnapshot whole = new FakeSnapshot(2 * CHUNK);
        assertFramedAsEtcd(whole, save(whole).received);
        FakeSnapshot empty = new FakeSnapshot(0);
        assertFramedAsEtcd(empty, save(empty).received);
        await(() -> whole.closes.get() == 1 && empty.closes.get() == 1, "both snapshots were closed");
    }

    @Test
    void aClientThatDoesNotReadStopsTheReading() throws Exception {
        start();
        FakeSnapshot snapshot = new FakeSnapshot(32 * 1024 * 1024);
        nextSnapshot = CompletableFuture.completedFuture(snapshot);
        Collector<SnapshotRequest, SnapshotResponse> client = Collector.manual(1);
        MaintenanceGrpc.newStub(fixture.channel).snapshot(SnapshotRequest.getDefaultInstance(), client);

        long readWhileStalled = Fixture.settle(() -> snapshot.position, 4L * Fixture.CLIENT_WINDOW,
                "bytes read from the snapshot for a client that reads nothing");
        assertTrue(readWhileStalled > 0, "reading started");

        client.request(Integer.MAX_VALUE);
        assertEquals(Status.Code.OK, client.status().getCode());
        assertFramedAsEtcd(snapshot, client.received);
        await(() -> snapshot.closes.get() == 1, "the snapshot was closed");
    }

    @Test
    void aClientThatCancelsClosesTheSnapshot() throws Exception {
        start();
        FakeSnapshot snapshot = new FakeSnapshot(16 * 1024 * 1024);
        nextSnapshot = CompletableFuture.completedFuture(snapshot);
        Collector<SnapshotRequest, SnapshotResponse> client = Collector.manual(1);
        MaintenanceGrpc.newStub(fixture.channel).snapshot(SnapshotRequest.getDefaultInstance(), client);
        await(() -> client.received.size() == 1, "the first chunk arrived");
        client.call.cancel("enough", null);
        await(() -> snapshot.closes.get() == 1, "the snapshot was closed on cancel");
        assertTrue(snapshot.position < snapshot.bytes.length, "the rest was never read");
    }

    @Test
    void aSnapshotProducedAfterTheClientLeftIsClosed() throws Exception {
        start();
        CompletableFuture<SnapshotStream> late = new CompletableFuture<>();
        nextSnapshot = late;
        Collector<SnapshotRequest, SnapshotResponse> client = Collector.reading();
        MaintenanceGrpc.newStub(fixture.channel).snapshot(SnapshotRequest.getDefaultInstance(), client);
        await(() -> late.getNumberOfDependents() > 0, "the transport waits for the snapshot");
        client.call.cancel("gave up", null);
        assertEquals(Status.Code.CANCELLED, client.status().getCode());
        // Whether the server learns of the cancel before or after the snapshot arrives, the
        // snapshot is released exactly once (and not sent to anyone).
        FakeSnapshot snapshot = new FakeSnapshot(16 * 1024 * 1024);
        late.complete(snapshot);
        await(() -> snapshot.closes.get() == 1, "the late snapshot was closed");
        fixture.close();
        assertEquals(1, snapshot.closes.get());
        assertEquals(0, client.received.size());
    }

    @Test
    void aFailedSnapshotEndsWithItsStatus() throws Exception {
        start();
        nextSnapshot = CompletableFuture.failedFuture(EtcdError.NOT_CAPABLE.exception());
        Collector<SnapshotRequest, SnapshotResponse> client = Collector.reading();
        MaintenanceGrpc.newStub(fixture.channel).snapshot(SnapshotRequest.getDefaultInstance(), client);
        Status status = client.status();
        assertEquals(Status.Code.UNAVAILABLE, status.getCode());
        assertEquals("etcdserver: not capable", status.getDescription());
    }

    @Test
    void aStreamThatEndsEarlyFailsTheCall() throws Exception {
        start();
        FakeSnapshot snapshot = new FakeSnapshot(CHUNK + 10) {
            @Override
            public long remainingBytes() {
                return super.remainingBytes() + 5;
            }
        };
        nextSnapshot = CompletableFuture.completedFuture(snapshot);
        Collector<SnapshotRequest, SnapshotResponse> client = Collector.reading();
        MaintenanceGrpc.newStub(fixture.channel).snapshot(SnapshotRequest.getDefaultInstance(), client);
        Status status = client.status();
        assertEquals(Status.Code.UNKNOWN, status.getCode());
        assertTrue(status.getDescription().contains("ended 5 bytes early"), status.getDescription());
        await(() -> snapshot.closes.get() == 1, "the snapshot was closed");
    }
}
