package io.etcdj.lease;

import static io.etcdj.lease.Errors.assertFailedWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.spi.server.EtcdError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Lease checkpointing (etcd's --experimental-enable-lease-checkpoint): off unless a checkpointer is given. */
class LessorCheckpointTest {
    private final FakeClock clock = new FakeClock();
    private final List<List<LeaseCheckpoint>> proposed = new ArrayList<>();
    private final CompletableFuture<Void> proposalOutcome = new CompletableFuture<>();
    private final Lessor lessor = new Lessor(LessorConfig.defaults().withCheckpointInterval(Duration.ofSeconds(10)),
            clock, checkpoints -> {
                proposed.add(checkpoints);
                return proposalOutcome;
            });

    @Test
    void theLeaderCheckpointsLeasesLongerThanTheIntervalEveryInterval() {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 60);
        lessor.grant(2, 10);  // not longer than the interval: never checkpointed
        clock.advanceSeconds(9.999);
        assertEquals(List.of(), lessor.dueCheckpoints(100));
        clock.advanceSeconds(0.001);
        assertEquals(List.of(new LeaseCheckpoint(1, 50)), lessor.dueCheckpoints(100));
        assertEquals(List.of(), lessor.dueCheckpoints(100));

        lessor.checkpoint(1, 50);  // the proposal is applied: the next one is scheduled
        clock.advanceSeconds(10.5);
        assertEquals(List.of(new LeaseCheckpoint(1, 40)), lessor.dueCheckpoints(100));  // 39.5 s rounded up
        assertEquals(List.of(), proposed, "periodic checkpoints are polled, not pushed");
    }

    @Test
    void dueCheckpointsSkipsRenewedRevokedAndExpiredLeasesAndHonoursMax() {
        lessor.promote(Duration.ZERO);
        for (long id = 1; id <= 5; id++) {
            lessor.grant(id, 60);
        }
        lessor.grant(6, 11);
        clock.advanceSeconds(10);
        lessor.revoke(2);
        clock.advanceSeconds(1);  // lease 6 has expired
        lessor.renew(1);          // full TTL left: nothing to record
        assertEquals(List.of(new LeaseCheckpoint(3, 49), new LeaseCheckpoint(4, 49)), lessor.dueCheckpoints(2));
        assertEquals(List.of(new LeaseCheckpoint(5, 49)), lessor.dueCheckpoints(100));
    }

    @Test
    void onlyThePrimaryCheckpoints() {
        lessor.grant(1, 60);
        clock.advanceSeconds(30);
        assertEquals(List.of(), lessor.dueCheckpoints(100));
        lessor.promote(Duration.ZERO);
        lessor.demote();
        clock.advanceSeconds(30);
        assertEquals(List.of(), lessor.dueCheckpoints(100));
    }

    @Test
    void promotionUsesTheCheckpointedRemainingTtl() {
        lessor.grant(1, 60);
        lessor.checkpoint(1, 25);
        lessor.checkpoint(99, 5);  // unknown lease: ignored, as etcd does
        lessor.promote(Duration.ofSeconds(1));
        assertEquals(new LeaseTimeToLive(1, 26, 60, List.of()), lessor.timeToLive(1, false));

        lessor.demote();
        lessor.checkpoint(1, 0);
        lessor.promote(Duration.ZERO);
        assertEquals(60, lessor.timeToLive(1, false).ttl());
    }

    @Test
    void renewFirstClearsTheCheckpointThroughRaft() throws Exception {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 60);
        lessor.checkpoint(1, 25);
        clock.advanceSeconds(5);

        CompletableFuture<Long> renewal = lessor.renew(1);
        assertFalse(renewal.isDone());
        assertEquals(List.of(List.of(new LeaseCheckpoint(1, 0))), proposed);
        assertEquals(55, lessor.timeToLive(1, false).ttl());

        lessor.checkpoint(1, 0);  // the clearing entry is applied...
        proposalOutcome.complete(null);  // ...and its proposal answered
        assertEquals(60L, renewal.get());
        assertEquals(60, lessor.timeToLive(1, false).ttl());
    }

    @Test
    void renewStillRenewsWhenClearingTheCheckpointFails() throws Exception {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 60);
        lessor.checkpoint(1, 25);
        CompletableFuture<Long> renewal = lessor.renew(1);
        proposalOutcome.completeExceptionally(new IllegalStateException("proposal dropped"));
        assertEquals(60L, renewal.get());
    }

    @Test
    void renewFailsWhenTheLessorIsDemotedWhileClearing() {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 60);
        lessor.checkpoint(1, 25);
        CompletableFuture<Long> renewal = lessor.renew(1);
        lessor.demote();
        proposalOutcome.complete(null);
        assertFailedWith(EtcdError.NOT_LEADER, renewal);
    }

    @Test
    void renewWithoutACheckpointProposesNothing() throws Exception {
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 60);
        CompletableFuture<Long> renewal = lessor.renew(1);
        assertTrue(renewal.isDone());
        assertEquals(60L, renewal.get());
        assertEquals(List.of(), proposed);
    }

    @Test
    void withoutACheckpointerNothingIsScheduled() {
        Lessor plain = new Lessor(LessorConfig.defaults().withCheckpointInterval(Duration.ofSeconds(10)), clock);
        plain.promote(Duration.ZERO);
        plain.grant(1, 60);
        clock.advanceSeconds(30);
        assertEquals(List.of(), plain.dueCheckpoints(100));
    }
}
