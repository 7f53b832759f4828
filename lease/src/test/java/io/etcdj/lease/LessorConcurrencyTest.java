package io.etcdj.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The threading contract: the apply thread grants, revokes and attaches while transport threads
 * renew and read. Checks outcomes and the final state, never timings.
 */
class LessorConcurrencyTest {
    private static final int RENEWERS = 4;
    private static final long TTL = 100;

    private final ExecutorService threads = Executors.newFixedThreadPool(RENEWERS + 1);

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(1, TimeUnit.MINUTES), "test threads did not stop");
    }

    @Test
    void renewalsFromManyThreadsWhileTheApplyThreadGrantsAndRevokes() throws Exception {
        FakeClock clock = new FakeClock();
        Lessor lessor = new Lessor(LessorConfig.defaults().withRevokesPerSecond(1_000_000), clock);
        lessor.promote(Duration.ZERO);
        AtomicBoolean applying = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);

        List<Future<Integer>> renewers = new ArrayList<>();
        for (int t = 0; t < RENEWERS; t++) {
            renewers.add(threads.submit(() -> {
                start.await();
                int renewed = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                // At least some rounds after the apply thread is done, however the threads get scheduled.
                for (int round = 0; applying.get() || round < 2_000; round++) {
                    long id = 1 + random.nextInt(100);
                    CompletableFuture<Long> renewal = lessor.renew(id);
                    // The clock stands still, so no lease is ever expired and every answer is immediate.
                    assertTrue(renewal.isDone());
                    if (outcome(renewal) == TTL) {
                        renewed++;
                    }
                    try {
                        LeaseTimeToLive ttl = lessor.timeToLive(id, true);
                        assertEquals(TTL, ttl.grantedTtl());
                        assertTrue(ttl.keys().size() <= 1, "a lease here holds at most its one key");
                    } catch (EtcdException e) {
                        assertEquals(EtcdError.LEASE_NOT_FOUND, e.error());
                    }
                    lessor.leases();
                }
                return renewed;
            }));
        }

        Future<Set<Long>> apply = threads.submit(() -> {
            start.await();
            Set<Long> live = new TreeSet<>();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try {
                applyRandomly(lessor, live, random);
            } finally {
                applying.set(false);
            }
            return live;
        });

        start.countDown();
        Set<Long> live = apply.get(1, TimeUnit.MINUTES);
        int renewed = 0;
        for (Future<Integer> r : renewers) {
            renewed += r.get(1, TimeUnit.MINUTES);
        }
        assertTrue(renewed > 0, "some renewals found their lease");

        assertEquals(live, new TreeSet<>(lessor.leases()));
        // The expiry queue holds exactly the live leases: all come due, nothing revoked does.
        clock.advance(Duration.ofSeconds(TTL));
        assertEquals(live, new TreeSet<>(lessor.expiredLeases(Integer.MAX_VALUE)));
    }

    @Test
    void noRenewalWaitingForARevokeIsLost() throws Exception {
        FakeClock clock = new FakeClock();
        Lessor lessor = new Lessor(LessorConfig.defaults(), clock);
        lessor.promote(Duration.ZERO);
        lessor.grant(1, 5);
        clock.advanceSeconds(5);
        CountDownLatch someWaiting = new CountDownLatch(RENEWERS);
        CountDownLatch revoked = new CountDownLatch(1);

        List<Future<List<CompletableFuture<Long>>>> renewers = new ArrayList<>();
        for (int t = 0; t < RENEWERS; t++) {
            renewers.add(threads.submit(() -> {
                List<CompletableFuture<Long>> renewals = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    renewals.add(lessor.renew(1));
                    if (i == 100) {
                        someWaiting.countDown();
                    }
                    if (i == 1_000) {
                        revoked.await();
                    }
                }
                return renewals;
            }));
        }
        assertTrue(someWaiting.await(1, TimeUnit.MINUTES));
        lessor.revoke(1);  // while renewals keep arriving
        revoked.countDown();

        Set<CompletableFuture<Long>> all = new HashSet<>();
        for (Future<List<CompletableFuture<Long>>> r : renewers) {
            all.addAll(r.get(1, TimeUnit.MINUTES));
        }
        for (CompletableFuture<Long> renewal : all) {
            assertTrue(renewal.isDone(), "a renewal was left waiting after the revoke");
            ExecutionException e = assertThrowsExecution(renewal);
            assertEquals(EtcdError.LEASE_NOT_FOUND, assertInstanceOf(EtcdException.class, e.getCause()).error());
        }
    }

    private static void applyRandomly(Lessor lessor, Set<Long> live, ThreadLocalRandom random) {
        for (int i = 0; i < 20_000; i++) {
            long id = 1 + random.nextInt(100);
            ByteString key = ByteString.copyFromUtf8("key-" + id);
            if (live.add(id)) {
                lessor.grant(id, TTL);
                lessor.attach(id, key);
            } else if (random.nextBoolean()) {
                assertEquals(List.of(key), lessor.revoke(id));
                live.remove(id);
            } else {
                lessor.detachKey(key);
                lessor.attach(id, key);
            }
        }
    }

    private static long outcome(CompletableFuture<Long> renewal) throws InterruptedException {
        try {
            return renewal.get();
        } catch (ExecutionException e) {
            assertEquals(EtcdError.LEASE_NOT_FOUND, assertInstanceOf(EtcdException.class, e.getCause()).error());
            return -1;
        }
    }

    private static ExecutionException assertThrowsExecution(CompletableFuture<Long> renewal) throws InterruptedException {
        try {
            renewal.get();
        } catch (ExecutionException e) {
            return e;
        }
        return fail("renewal of a revoked lease succeeded");
    }
}
