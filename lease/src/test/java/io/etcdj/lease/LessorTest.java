package io.etcdj.lease;

import static io.etcdj.lease.Errors.assertEtcdError;
import static io.etcdj.lease.Errors.assertFailedWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.spi.server.EtcdError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grant, revoke, renew, time-to-live, listing, attachments and their errors. */
class LessorTest {
    private final FakeClock clock = new FakeClock();
    private final Lessor lessor = new Lessor(LessorConfig.defaults(), clock);

    private static ByteString key(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void grantReturnsTheIdAndTtlAndTheLeaseIsListed() {
        assertEquals(new GrantedLease(7, 10), lessor.grant(7, 10));
        assertEquals(new GrantedLease(3, 60), lessor.grant(3, 60));
        assertTrue(lessor.exists(7));
        assertFalse(lessor.exists(8));
        assertEquals(List.of(3L, 7L), lessor.leases());
    }

    @Test
    void grantChecksInEtcdsOrder() {
        assertEtcdError(EtcdError.LEASE_NOT_FOUND, () -> lessor.grant(Lessor.NO_LEASE, 10));
        assertEtcdError(EtcdError.LEASE_TTL_TOO_LARGE, () -> lessor.grant(1, Lessor.MAX_TTL_SECONDS + 1));
        assertEquals(Lessor.MAX_TTL_SECONDS, lessor.grant(1, Lessor.MAX_TTL_SECONDS).ttl());
        assertEtcdError(EtcdError.LEASE_EXIST, () -> lessor.grant(1, 10));
        // The TTL is checked before existence, as etcd does.
        assertEtcdError(EtcdError.LEASE_TTL_TOO_LARGE, () -> lessor.grant(1, Lessor.MAX_TTL_SECONDS + 1));
        assertEquals(List.of(1L), lessor.leases());
    }

    @Test
    void aTtlBelowTheMinimumIsRaisedNotRefused() {
        assertEquals(2, lessor.grant(1, 1).ttl());
        assertEquals(2, lessor.grant(2, -5).ttl());
        assertEquals(2, lessor.grant(3, 0).ttl());
        assertEquals(3, lessor.grant(4, 3).ttl());
        assertEquals(2, lessor.timeToLive(1, false).grantedTtl());

        Lessor noMinimum = new Lessor(LessorConfig.defaults().withMinTtlSeconds(0), clock);
        assertEquals(1, noMinimum.grant(1, 1).ttl());
        assertEquals(0, noMinimum.grant(2, -1).ttl());
    }

    @Test
    void minimumTtlIsEtcdsOneAndAHalfElectionTimeoutsRoundedUp() {
        assertEquals(2, LessorConfig.minTtlSeconds(Duration.ofMillis(100), 10));
        assertEquals(1, LessorConfig.minTtlSeconds(Duration.ofMillis(100), 5));   // (15/2)=7 ticks: 0.7 s
        assertEquals(8, LessorConfig.minTtlSeconds(Duration.ofMillis(500), 10));  // 7.5 s
        assertEquals(4, LessorConfig.minTtlSeconds(Duration.ofSeconds(1), 3));    // (9/2)=4 ticks
        assertEquals(LessorConfig.DEFAULT_MIN_TTL_SECONDS, LessorConfig.minTtlSeconds(Duration.ofMillis(100), 10));
    }

    @Test
    void revokeForgetsTheLeaseAndUnknownLeasesAreNotFound() {
        lessor.grant(1, 10);
        assertEquals(List.of(), lessor.revoke(1));
        assertFalse(lessor.exists(1));
        assertEquals(List.of(), lessor.leases());
        assertEtcdError(EtcdError.LEASE_NOT_FOUND, () -> lessor.revoke(1));
        assertEtcdError(EtcdError.LEASE_NOT_FOUND, () -> lessor.timeToLive(1, true));
        // A revoked ID may be granted again.
        assertEquals(new GrantedLease(1, 5), lessor.grant(1, 5));
    }

    @Test
    void revokeReturnsTheAttachedKeysInUnsignedByteOrder() {
        lessor.grant(1, 10);
        lessor.grant(2, 10);
        ByteString high = ByteString.copyFrom(new byte[] {(byte) 0xff});
        for (ByteString k : List.of(key("b"), high, key("a"), key("A"))) {
            lessor.attach(1, k);
        }
        lessor.attach(2, key("other"));

        assertEquals(List.of(key("A"), key("a"), key("b"), high), lessor.revoke(1));
        assertEquals(Lessor.NO_LEASE, lessor.leaseOf(key("a")));
        assertEquals(Lessor.NO_LEASE, lessor.leaseOf(high));
        assertEquals(2, lessor.leaseOf(key("other")));
        assertEquals(List.of(key("other")), lessor.revoke(2));
    }

    @Test
    void aKeyBelongsToOneLeaseAtATime() {
        lessor.grant(1, 10);
        lessor.grant(2, 10);
        lessor.attach(1, key("a"));
        lessor.attach(1, key("b"));
        lessor.attach(2, key("c"));
        assertEquals(1, lessor.leaseOf(key("a")));

        lessor.attach(2, key("a"));  // a put with another lease moves the key
        assertEquals(List.of(key("b")), lessor.timeToLive(1, true).keys());
        assertEquals(List.of(key("a"), key("c")), lessor.timeToLive(2, true).keys());

        lessor.detachKey(key("c"));  // deleted
        lessor.detachKey(key("never attached"));
        assertEquals(List.of(key("a")), lessor.timeToLive(2, true).keys());

        lessor.attach(Lessor.NO_LEASE, key("a"));  // a put without a lease
        assertEquals(Lessor.NO_LEASE, lessor.leaseOf(key("a")));
        assertEquals(List.of(), lessor.timeToLive(2, true).keys());
    }

    @Test
    void attachingToAMissingLeaseFailsButStillDetachesTheKey() {
        lessor.grant(1, 10);
        lessor.attach(1, key("k"));
        assertEtcdError(EtcdError.LEASE_NOT_FOUND, () -> lessor.attach(99, key("k")));
        assertEquals(Lessor.NO_LEASE, lessor.leaseOf(key("k")));
        assertEquals(List.of(), lessor.revoke(1));
    }

    @Test
    void timeToLiveLeavesKeysOutUnlessAsked() {
        lessor.grant(1, 10);
        lessor.attach(1, key("k"));
        assertEquals(new LeaseTimeToLive(1, 10, 10, List.of()), lessor.timeToLive(1, false));
        assertEquals(new LeaseTimeToLive(1, 10, 10, List.of(key("k"))), lessor.timeToLive(1, true));
    }

    @Test
    void renewRestartsTheTtlOnThePrimary() throws Exception {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 10);
        clock.advanceSeconds(4);
        assertEquals(6, lessor.timeToLive(1, false).ttl());

        var renewed = lessor.renew(1);
        assertTrue(renewed.isDone());
        assertEquals(10L, renewed.get());
        assertEquals(10, lessor.timeToLive(1, false).ttl());

        clock.advanceSeconds(9.5);
        assertEquals(0, lessor.timeToLive(1, false).ttl());  // truncated, as etcd's int64(seconds)
        assertEquals(10L, lessor.renew(1).get());
        assertEquals(10, lessor.timeToLive(1, false).ttl());
    }

    @Test
    void renewNeedsThePrimaryAndAnExistingLease() {
        lessor.grant(1, 10);
        assertFailedWith(EtcdError.NOT_LEADER, lessor.renew(1));
        assertFailedWith(EtcdError.NOT_LEADER, lessor.renew(99));
        lessor.promote(Duration.ZERO);
        assertFailedWith(EtcdError.LEASE_NOT_FOUND, lessor.renew(99));
    }

    @Test
    void renewalsOfAnExpiredLeaseWaitForItsRevoke() {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 5);
        lessor.attach(1, key("k"));
        clock.advanceSeconds(5);

        var waiting = lessor.renew(1);
        var alsoWaiting = lessor.renew(1);
        assertFalse(waiting.isDone());
        assertEquals(List.of(1L), lessor.expiredLeases(10));
        assertFalse(waiting.isDone());

        assertEquals(List.of(key("k")), lessor.revoke(1));
        assertFailedWith(EtcdError.LEASE_NOT_FOUND, waiting);
        assertFailedWith(EtcdError.LEASE_NOT_FOUND, alsoWaiting);
    }

    @Test
    void renewalsOfAnExpiredLeaseFailWithNotLeaderWhenTheTermEnds() {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 5);
        clock.advanceSeconds(6);
        var waiting = lessor.renew(1);
        lessor.demote();
        assertFailedWith(EtcdError.NOT_LEADER, waiting);

        lessor.promote(Duration.ZERO);
        clock.advanceSeconds(6);
        var waitingAgain = lessor.renew(1);
        assertFalse(waitingAgain.isDone());
        lessor.promote(Duration.ZERO);  // a new term without a demotion in between
        assertFailedWith(EtcdError.NOT_LEADER, waitingAgain);
        // The re-promoted lease is alive again and renews at once.
        assertTrue(lessor.renew(1).isDone());
    }

    @Test
    void leasesAreListedSoonestExpiryFirstOnThePrimary() {
        lessor.grant(1, 30);
        lessor.grant(2, 10);
        lessor.grant(3, 20);
        assertEquals(List.of(1L, 2L, 3L), lessor.leases());
        lessor.promote(Duration.ZERO);
        assertEquals(List.of(2L, 3L, 1L), lessor.leases());
    }
}
