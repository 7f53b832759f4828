package io.etcdj.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The lease bucket: etcd's row format, batched writes, and what a restart brings back. */
class LessorPersistenceTest {
    private final FakeClock clock = new FakeClock();
    private final MemoryBuckets backend = new MemoryBuckets();

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void rowsAreEtcdsLeasepbLease() throws Exception {
        assertArrayEquals(bytes(0x08, 0x01, 0x10, 0x0a), new LeaseRecord(1, 10, 0).encode());
        assertArrayEquals(bytes(0x08, 0xb4, 0x24, 0x10, 0x90, 0x1c, 0x18, 0x64),
                new LeaseRecord(0x1234, 3600, 100).encode());
        assertArrayEquals(bytes(), new LeaseRecord(0, 0, 0).encode());
        assertArrayEquals(bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
                new LeaseRecord(-1, 0, 0).encode());
        assertArrayEquals(bytes(1, 2, 3, 4, 5, 6, 7, 8), LeaseRecord.key(0x0102030405060708L));

        for (LeaseRecord r : List.of(new LeaseRecord(1, 10, 0), new LeaseRecord(-7, Lessor.MAX_TTL_SECONDS, 3),
                new LeaseRecord(Long.MAX_VALUE, 1, 0))) {
            assertEquals(r, LeaseRecord.decode(r.encode()));
        }
        // Fields a later etcd might add are skipped.
        assertEquals(new LeaseRecord(1, 10, 0), LeaseRecord.decode(bytes(0x08, 0x01, 0x20, 0x05, 0x2a, 0x01, 0x41, 0x10, 0x0a)));
        assertThrows(InvalidProtocolBufferException.class, () -> LeaseRecord.decode(bytes(0x08)));
    }

    @Test
    void changesReachTheBatchOnceAndARestartBringsTheLeasesBack() {
        Lessor lessor = new Lessor(LessorConfig.defaults(), clock);
        lessor.grant(1, 10);
        lessor.grant(2, 1);
        lessor.grant(3, 30);
        lessor.attach(1, ByteString.copyFromUtf8("k"));
        assertEquals(3, backend.persist(lessor));
        assertEquals(0, backend.persist(lessor));
        lessor.revoke(3);
        assertEquals(1, backend.persist(lessor));
        assertEquals(2, backend.bucket(Lessor.BUCKET).size());
        assertArrayEquals(new LeaseRecord(2, 2, 0).encode(), backend.bucket(Lessor.BUCKET).get(LeaseRecord.key(2)));

        Lessor restarted = new Lessor(LessorConfig.defaults(), clock);
        restarted.load(backend.readView());
        assertEquals(List.of(1L, 2L), restarted.leases());
        assertFalse(restarted.exists(3));
        // Keys are not stored here: the key space re-attaches them when it opens.
        assertEquals(new LeaseTimeToLive(1, 10, 10, List.of()), restarted.timeToLive(1, true));
        assertEquals(0, backend.persist(restarted), "loading writes nothing");
    }

    @Test
    void aGrantAndRevokeInOneBatchLeaveNoRow() {
        Lessor lessor = new Lessor(LessorConfig.defaults(), clock);
        lessor.grant(1, 10);
        lessor.revoke(1);
        MemoryBuckets.Batch batch = backend.newBatch();
        assertEquals(1, lessor.writeChanges(batch));
        assertNull(batch.ops.get(0).value());
        backend.commit(batch);
        assertTrue(backend.bucket(Lessor.BUCKET).isEmpty());
    }

    @Test
    void afterARestartLeasesGetTheirFullTtlFromPromotion() {
        Lessor leader = new Lessor(LessorConfig.defaults(), clock);
        leader.promote(Duration.ZERO);
        leader.grant(1, 10);
        backend.persist(leader);
        clock.advanceSeconds(8);

        Lessor restarted = new Lessor(LessorConfig.defaults(), clock);
        restarted.load(backend.readView());
        clock.advanceSeconds(100);
        assertEquals(List.of(), restarted.expiredLeases(10));
        restarted.promote(Duration.ofSeconds(1));
        assertEquals(11, restarted.timeToLive(1, false).ttl());
    }

    @Test
    void loadRaisesStoredTtlsToTheMinimum() {
        backend.bucket(Lessor.BUCKET).put(LeaseRecord.key(5), new LeaseRecord(5, 1, 0).encode());
        Lessor lessor = new Lessor(LessorConfig.defaults().withMinTtlSeconds(4), clock);
        lessor.load(backend.readView());
        assertEquals(4, lessor.timeToLive(5, false).grantedTtl());
    }

    @Test
    void loadReplacesEverythingAndAPrimaryTracksTheLoadedLeasesFromNow() {
        backend.bucket(Lessor.BUCKET).put(LeaseRecord.key(5), new LeaseRecord(5, 20, 0).encode());
        Lessor lessor = new Lessor(LessorConfig.defaults(), clock);
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 3);
        lessor.attach(1, ByteString.copyFromUtf8("k"));
        lessor.load(backend.readView());
        assertEquals(List.of(5L), lessor.leases());
        assertEquals(Lessor.NO_LEASE, lessor.leaseOf(ByteString.copyFromUtf8("k")));
        assertEquals(0, backend.persist(lessor), "unwritten changes of the replaced state are dropped");

        clock.advanceSeconds(19);
        assertEquals(List.of(), lessor.expiredLeases(10));
        clock.advanceSeconds(1);
        assertEquals(List.of(5L), lessor.expiredLeases(10));
    }

    @Test
    void checkpointsAreWrittenOnlyWithCheckpointPersist() {
        Lessor persisting = new Lessor(LessorConfig.defaults().withCheckpointPersist(true), clock, cps -> CompletableFuture.completedFuture(null));
        persisting.grant(1, 60);
        backend.persist(persisting);
        persisting.checkpoint(1, 25);
        assertEquals(1, backend.persist(persisting));
        assertArrayEquals(new LeaseRecord(1, 60, 25).encode(), backend.bucket(Lessor.BUCKET).get(LeaseRecord.key(1)));

        Lessor restarted = new Lessor(LessorConfig.defaults(), clock);
        restarted.load(backend.readView());
        restarted.promote(Duration.ZERO);
        assertEquals(new LeaseTimeToLive(1, 25, 60, List.of()), restarted.timeToLive(1, false));

        Lessor notPersisting = new Lessor(LessorConfig.defaults(), clock, cps -> CompletableFuture.completedFuture(null));
        notPersisting.grant(2, 60);
        backend.persist(notPersisting);
        notPersisting.checkpoint(2, 25);
        assertEquals(0, backend.persist(notPersisting));
    }

    @Test
    void anUndecodableRowStopsTheLoadNamingItsKey() {
        backend.bucket(Lessor.BUCKET).put(LeaseRecord.key(9), bytes(0x08));
        Lessor lessor = new Lessor(LessorConfig.defaults(), clock);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lessor.load(backend.readView()));
        assertTrue(e.getMessage().contains("0000000000000009"), e.getMessage());
    }
}
