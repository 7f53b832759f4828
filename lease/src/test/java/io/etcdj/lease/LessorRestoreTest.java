package io.etcdj.lease;

import static io.etcdj.lease.Errors.assertFailedWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.spi.server.EtcdError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Lessor#restore}: a member whose backend was replaced in place by the leader's snapshot
 * ends up with exactly the leader's leases, and its own earlier state leaves no trace.
 */
class LessorRestoreTest {
    private static final LessorConfig PERSISTING = LessorConfig.defaults().withCheckpointPersist(true);

    private final FakeClock clock = new FakeClock();
    /** The leader's backend ("A"). */
    private final MemoryBuckets leaderBackend = new MemoryBuckets();
    /** The member's backend ("B"), replaced in place. */
    private final MemoryBuckets memberBackend = new MemoryBuckets();

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private Lessor checkpointing(LessorConfig config) {
        return new Lessor(config, clock, cps -> CompletableFuture.completedFuture(null));
    }

    /** The leader's history: grants, a revoke, a checkpoint, attachments; persisted as the apply does. */
    private Lessor leaderWithHistory() {
        Lessor leader = checkpointing(PERSISTING);
        leader.grant(1, 10);
        leader.grant(2, 60);
        leader.grant(3, 30);
        leader.attach(1, b("a"));
        leader.attach(2, b("b"));
        leader.attach(2, b("c"));
        leaderBackend.persist(leader);
        leader.revoke(3);
        leader.checkpoint(2, 25);
        leader.grant(7, 100);
        leaderBackend.persist(leader);
        return leader;
    }

    /** Older, different data: a lease the leader revoked, one it never had, attachments, unwritten changes. */
    private Lessor memberWithOlderData() {
        Lessor member = checkpointing(PERSISTING);
        member.grant(1, 5);
        member.grant(3, 30);
        member.grant(9, 40);
        member.attach(3, b("x"));
        member.attach(9, b("a"));
        memberBackend.persist(member);
        member.grant(11, 50);  // applied but not written when the snapshot arrives
        return member;
    }

    /** What the server does: clear the member's lease bucket, write the leader's rows, in batches. */
    private void replaceMemberContents() {
        MemoryBuckets.Batch clear = memberBackend.newBatch();
        for (byte[] key : memberBackend.bucket(Lessor.BUCKET).keySet()) {
            clear.delete(Lessor.BUCKET, key);
        }
        memberBackend.commit(clear);
        for (Map.Entry<byte[], byte[]> row : leaderBackend.bucket(Lessor.BUCKET).entrySet()) {
            MemoryBuckets.Batch batch = memberBackend.newBatch();
            batch.put(Lessor.BUCKET, row.getKey(), row.getValue());
            memberBackend.commit(batch);
        }
    }

    /** Every lease's ID, granted TTL and keys (and TTL as this lessor reports it). */
    private static List<LeaseTimeToLive> state(Lessor lessor) {
        List<LeaseTimeToLive> state = new ArrayList<>();
        for (long id : lessor.leases()) {
            state.add(lessor.timeToLive(id, true));
        }
        return state;
    }

    @Test
    void aFollowerEndsUpWithTheLeadersLeasesAndNothingOfItsOwn() {
        Lessor leader = leaderWithHistory();
        Lessor member = memberWithOlderData();
        replaceMemberContents();

        member.restore(memberBackend.readView(), Duration.ofSeconds(1));

        assertEquals(List.of(1L, 2L, 7L), member.leases());
        assertFalse(member.exists(3), "revoked on the leader");
        assertFalse(member.exists(9), "never on the leader");
        assertFalse(member.exists(11), "granted here but superseded by the snapshot");
        assertEquals(Lessor.NO_LEASE, member.leaseOf(b("x")), "old attachments are gone");
        assertEquals(Lessor.NO_LEASE, member.leaseOf(b("a")), "keys wait for the key space's restore");
        assertEquals(0, memberBackend.persist(member), "unwritten changes of the old contents are dropped");
        assertFalse(member.isPrimary());

        // The key space's restore re-attaches the leader's live keys (MvccStore.finishRestore).
        member.attach(1, b("a"));
        member.attach(2, b("b"));
        member.attach(2, b("c"));
        // Neither is primary: TTLs are those promotion would give (with the checkpoint for lease 2).
        assertEquals(state(leader), state(member));
        assertEquals(new LeaseTimeToLive(2, 25, 60, List.of(b("b"), b("c"))), member.timeToLive(2, true));
        assertEquals(0, memberBackend.persist(member), "restoring writes nothing");

        clock.advance(Duration.ofHours(1));
        assertEquals(List.of(), member.expiredLeases(100), "a follower's leases never expire");
        member.promote(Duration.ofSeconds(2));
        assertEquals(12, member.timeToLive(1, false).ttl());
        assertEquals(27, member.timeToLive(2, false).ttl(), "the checkpointed remaining TTL");
    }

    @Test
    void aPrimaryStaysPrimaryAndTracksTheRestoredLeasesFromNow() {
        leaderWithHistory();
        Lessor member = memberWithOlderData();
        member.promote(Duration.ZERO);
        clock.advanceSeconds(6);
        assertEquals(List.of(1L), member.expiredLeases(100), "lease 1 (5 s) expired here, its revoke not applied");
        CompletableFuture<Long> waitingForRevoke = member.renew(1);
        assertFalse(waitingForRevoke.isDone());
        replaceMemberContents();

        member.restore(memberBackend.readView(), Duration.ofSeconds(3));

        assertFailedWith(EtcdError.NOT_LEADER, waitingForRevoke);
        assertTrue(member.isPrimary());
        assertEquals(13, member.timeToLive(1, false).ttl(), "the leader's TTL of 10 s plus the extension, from now");
        assertEquals(28, member.timeToLive(2, false).ttl(), "the checkpointed 25 s plus the extension");
        assertEquals(103, member.timeToLive(7, false).ttl());
        assertEquals(List.of(1L, 2L, 7L), member.leases(), "soonest expiry first");

        clock.advanceSeconds(12.5);
        assertEquals(List.of(), member.expiredLeases(100));
        clock.advanceSeconds(0.5);
        assertEquals(List.of(1L), member.expiredLeases(100));
        assertEquals(100, member.renew(7).join(), "keep-alives go on after the restore");
        assertEquals(100, member.timeToLive(7, false).ttl());
        assertEquals(List.of(), member.dueCheckpoints(100), "the old checkpoint schedule is gone");
    }

    @Test
    void restoringAnEmptyBucketDropsEveryLease() {
        Lessor member = memberWithOlderData();
        replaceMemberContents();  // the leader has no lease at all

        member.restore(memberBackend.readView(), Duration.ZERO);

        assertEquals(List.of(), member.leases());
        assertEquals(Lessor.NO_LEASE, member.leaseOf(b("x")));
        assertEquals(0, memberBackend.persist(member));
    }

    @Test
    void anUndecodableRowLeavesTheLessorUnchanged() {
        Lessor member = memberWithOlderData();
        memberBackend.bucket(Lessor.BUCKET).put(LeaseRecord.key(42), new byte[] {0x08});

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> member.restore(memberBackend.readView(), Duration.ZERO));

        assertTrue(e.getMessage().contains("000000000000002a"), e.getMessage());
        assertEquals(List.of(1L, 3L, 9L, 11L), member.leases());
        assertEquals(3, member.leaseOf(b("x")));
        assertEquals(1, memberBackend.persist(member), "the unwritten grant of lease 11 is still due");
    }
}
