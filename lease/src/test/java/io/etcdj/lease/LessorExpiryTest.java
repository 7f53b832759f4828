package io.etcdj.lease;

import static io.etcdj.lease.Errors.assertFailedWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.spi.server.EtcdError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Expiry: tracked only by the primary, extended at promotion, handed out in order and at a rate. */
class LessorExpiryTest {
    private final FakeClock clock = new FakeClock();

    private Lessor lessor(LessorConfig config) {
        return new Lessor(config, clock);
    }

    @Test
    void aLessorThatIsNotPrimaryNeverExpiresLeases() {
        Lessor lessor = lessor(LessorConfig.defaults());
        lessor.grant(1, 5);
        clock.advance(Duration.ofHours(1));
        assertEquals(List.of(), lessor.expiredLeases(100));
        assertEquals(5, lessor.timeToLive(1, false).ttl());
        assertFalse(lessor.isPrimary());
    }

    @Test
    void promotionExtendsEveryLeaseByItsTtlPlusTheExtension() {
        Lessor lessor = lessor(LessorConfig.defaults());
        lessor.grant(1, 5);
        clock.advance(Duration.ofHours(1));  // time before promotion does not count
        lessor.promote(Duration.ofSeconds(1));
        assertTrue(lessor.isPrimary());
        assertEquals(6, lessor.timeToLive(1, false).ttl());

        clock.advanceSeconds(5.5);
        assertEquals(0, lessor.timeToLive(1, false).ttl());
        assertEquals(List.of(), lessor.expiredLeases(100));
        clock.advanceSeconds(0.5);  // exactly at expiry
        assertEquals(List.of(1L), lessor.expiredLeases(100));
        assertEquals(0, lessor.timeToLive(1, false).ttl());
        clock.advanceSeconds(1.5);  // expired, revoke not applied yet: truncated toward zero
        assertEquals(-1, lessor.timeToLive(1, false).ttl());
    }

    @Test
    void aLeaseGrantedOnThePrimaryExpiresAfterItsTtlWithoutExtension() {
        Lessor lessor = lessor(LessorConfig.defaults());
        lessor.promote(Duration.ofSeconds(10));
        lessor.grant(1, 3);
        assertEquals(3, lessor.timeToLive(1, false).ttl());
        clock.advanceSeconds(2.999);
        assertEquals(List.of(), lessor.expiredLeases(100));
        clock.advanceSeconds(0.001);
        assertEquals(List.of(1L), lessor.expiredLeases(100));
    }

    @Test
    void aLeaseHandedOutIsNotHandedOutAgainUntilTheRetryInterval() {
        Lessor lessor = lessor(LessorConfig.defaults().withExpiredLeaseRetryInterval(Duration.ofSeconds(3)));
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 2);
        lessor.grant(2, 4);
        clock.advanceSeconds(2);
        assertEquals(List.of(1L), lessor.expiredLeases(100));
        assertEquals(List.of(), lessor.expiredLeases(100));
        clock.advanceSeconds(2);
        assertEquals(List.of(2L), lessor.expiredLeases(100));
        clock.advanceSeconds(0.999);
        assertEquals(List.of(), lessor.expiredLeases(100));
        clock.advanceSeconds(0.001);  // 3 s after lease 1 was handed out: its revoke was lost
        assertEquals(List.of(1L), lessor.expiredLeases(100));

        lessor.revoke(2);  // lease 2's revoke went through
        clock.advance(Duration.ofSeconds(10));
        assertEquals(List.of(1L), lessor.expiredLeases(100));
    }

    @Test
    void expiredLeasesComeSoonestFirstAndAtMostMaxAtATime() {
        Lessor lessor = lessor(LessorConfig.defaults().withMinTtlSeconds(0));
        lessor.grant(1, 30);
        lessor.grant(2, 10);
        lessor.grant(3, 20);
        lessor.grant(4, 10);
        lessor.grant(5, 60);
        lessor.promote(Duration.ZERO);
        clock.advanceSeconds(31);
        assertEquals(List.of(2L, 4L), lessor.expiredLeases(2));
        assertEquals(List.of(3L, 1L), lessor.expiredLeases(10));
        assertEquals(List.of(), lessor.expiredLeases(10));
        assertEquals(List.of(), lessor.expiredLeases(0));
    }

    @Test
    void demotionStopsExpiryAndAnotherPromotionStartsItAfresh() {
        Lessor lessor = lessor(LessorConfig.defaults());
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 5);
        clock.advanceSeconds(10);
        lessor.demote();
        assertEquals(List.of(), lessor.expiredLeases(100));
        assertFailedWith(EtcdError.NOT_LEADER, lessor.renew(1));
        assertEquals(5, lessor.timeToLive(1, false).ttl());

        lessor.promote(Duration.ofSeconds(2));
        assertEquals(7, lessor.timeToLive(1, false).ttl());
        assertEquals(List.of(), lessor.expiredLeases(100));
        clock.advanceSeconds(7);
        assertEquals(List.of(1L), lessor.expiredLeases(100));
    }

    @Test
    void expiredLeasesAreHandedOutAtTheRevokeRate() {
        Lessor lessor = lessor(LessorConfig.defaults()
                .withRevokesPerSecond(10)
                .withExpiredLeaseRetryInterval(Duration.ofHours(1)));
        for (long id = 1; id <= 30; id++) {
            lessor.grant(id, 5);
        }
        lessor.promote(Duration.ZERO);
        clock.advanceSeconds(20);
        List<Long> handedOut = new ArrayList<>();

        List<Long> first = lessor.expiredLeases(100);
        assertEquals(5, first.size());  // half a second's worth of 10/s
        handedOut.addAll(first);
        assertEquals(List.of(), lessor.expiredLeases(100));  // no time passed: budget spent
        clock.advanceSeconds(0.1);
        assertEquals(1, collect(lessor, handedOut));
        clock.advanceSeconds(0.5);
        assertEquals(5, collect(lessor, handedOut));
        clock.advanceSeconds(60);  // an idle minute does not build a bigger burst
        assertEquals(5, collect(lessor, handedOut));
        clock.advanceSeconds(0.5);
        assertEquals(2, lessor.expiredLeases(2).size());  // max below the budget takes only max

        assertEquals(new HashSet<>(handedOut).size(), handedOut.size(), "no lease handed out twice");
    }

    private static int collect(Lessor lessor, List<Long> into) {
        List<Long> got = lessor.expiredLeases(100);
        into.addAll(got);
        return got.size();
    }

    @Test
    void promotionSpreadsExpiriesThatWouldPileUp() {
        Lessor lessor = lessor(LessorConfig.defaults().withRevokesPerSecond(10));
        for (long id = 1; id <= 20; id++) {
            lessor.grant(id, 10);
        }
        lessor.promote(Duration.ZERO);
        // At most 3/4 of 10 per second: 7 stay, the rest move by n/7 s (n = 8..20).
        Map<Long, Integer> perSecond = ttlHistogram(lessor, 20);
        assertEquals(Map.of(10L, 7, 11L, 6, 12L, 7), perSecond);
        assertEquals(10, lessor.timeToLive(7, false).ttl());
        assertEquals(11, lessor.timeToLive(8, false).ttl());
        assertEquals(12, lessor.timeToLive(20, false).ttl());
    }

    @Test
    void promotionDoesNotSpreadBelowTheRevokeRate() {
        Lessor lessor = lessor(LessorConfig.defaults().withRevokesPerSecond(10));
        for (long id = 1; id <= 9; id++) {
            lessor.grant(id, 10);
        }
        lessor.promote(Duration.ofSeconds(1));
        assertEquals(Map.of(11L, 9), ttlHistogram(lessor, 9));
    }

    private static Map<Long, Integer> ttlHistogram(Lessor lessor, int leases) {
        Map<Long, Integer> histogram = new TreeMap<>();
        LongStream.rangeClosed(1, leases).forEach(id -> histogram.merge(lessor.timeToLive(id, false).ttl(), 1, Integer::sum));
        return histogram;
    }

    @Test
    void theLongestTtlDoesNotOverflowIntoThePast() {
        FakeClock late = new FakeClock(500_000_000_000_000_000L);  // + 9e18 ns passes Long.MAX_VALUE
        Lessor lessor = new Lessor(LessorConfig.defaults(), late);
        lessor.promote(Duration.ofSeconds(1));
        lessor.grant(1, Lessor.MAX_TTL_SECONDS);
        late.advance(Duration.ofDays(365));
        assertEquals(List.of(), lessor.expiredLeases(10));
        assertTrue(lessor.timeToLive(1, false).ttl() > 8_000_000_000L);
    }
}
