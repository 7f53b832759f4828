package io.etcdj.server.concurrency;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.put;
import static io.etcdj.server.concurrency.ElectionServiceTest.campaign;
import static io.etcdj.server.concurrency.ElectionServiceTest.resign;
import static io.etcdj.server.concurrency.InProcessServer.CTX;
import static io.etcdj.server.concurrency.InProcessServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.v3electionpb.CampaignResponse;
import io.etcdj.api.v3electionpb.LeaderKey;
import io.etcdj.api.v3electionpb.LeaderRequest;
import io.etcdj.api.v3electionpb.LeaderResponse;
import io.etcdj.api.v3electionpb.ProclaimRequest;
import io.etcdj.mvcc.watch.WatchOptions;
import io.etcdj.server.TestMembers;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.ObserveSession;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Election.Observe} against a real in-process member. */
class ObserveTest {
    @TempDir
    static Path dir;
    static InProcessServer etcd;
    static ElectionService elections;

    @BeforeAll
    static void start() throws Exception {
        etcd = new InProcessServer(dir);
        elections = new ElectionService(etcd.api, etcd.executor);
    }

    @AfterEach
    void everyWatchIsClosed() throws InterruptedException {
        eventually("every watch session the service opened is closed", () -> etcd.openWatches() == 0);
    }

    @AfterAll
    static void stop() {
        elections.close();
        etcd.close();
    }

    /** The transport's side of an observation: pulls responses when the listener says so. */
    private static final class Observer implements AutoCloseable {
        final ObserveSession session;
        final Semaphore signals = new Semaphore(0);

        Observer(String name) {
            session = elections.observe(LeaderRequest.newBuilder().setName(bytes(name)).build(), CTX);
            session.setListener(signals::release);
        }

        LeaderResponse next() throws InterruptedException {
            while (true) {
                LeaderResponse r = session.poll();
                if (r != null) {
                    return r;
                }
                if (session.isFinished()) {
                    return fail("the observation ended: " + session.failure());
                }
                if (!signals.tryAcquire(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS)) {
                    return fail("no leader response within " + TestMembers.WAIT_SECONDS + " s");
                }
            }
        }

        @Override
        public void close() {
            session.close();
        }
    }

    private static void proclaim(LeaderKey leader, String value) {
        await(elections.proclaim(ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes(value)).build(), CTX));
    }

    @Test
    void observesTheFirstLeaderItsValuesAndEachNextLeader() throws Exception {
        try (Observer observer = new Observer("observed")) {
            put(etcd.server, "observed-not-in-election", "x");  // outside the prefix: not a leader
            long a = etcd.grant(60);
            long b = etcd.grant(60);
            long c = etcd.grant(60);
            CampaignResponse first = await(campaign(elections, "observed", a, "a1"));
            LeaderResponse r1 = observer.next();
            assertEquals("a1", r1.getKv().getValue().toStringUtf8());
            assertEquals(first.getLeader().getKey(), r1.getKv().getKey());
            assertEquals(r1.getKv().getModRevision(), r1.getHeader().getRevision(),
                    "the first put seen on the prefix is reported at its own revision");

            proclaim(first.getLeader(), "a2");
            LeaderResponse r2 = observer.next();
            assertEquals("a2", r2.getKv().getValue().toStringUtf8());
            assertEquals(first.getLeader().getRev(), r2.getKv().getCreateRevision());

            CompletableFuture<CampaignResponse> second = campaign(elections, "observed", b, "b1");
            CompletableFuture<CampaignResponse> third = campaign(elections, "observed", c, "c1");
            eventually("both candidates queued", () -> etcd.under("observed/").size() == 3);
            resign(elections, first.getLeader());
            LeaderKey bKey = await(second).getLeader();
            LeaderResponse r3 = observer.next();
            assertEquals("b1", r3.getKv().getValue().toStringUtf8(), "the next leader, not the newer candidate");
            assertEquals(bKey.getKey(), r3.getKv().getKey());

            etcd.revoke(b);
            LeaderResponse r4 = observer.next();
            assertEquals("c1", r4.getKv().getValue().toStringUtf8());
            LeaderKey cKey = await(third).getLeader();
            resign(elections, cKey);

            assertNull(observer.session.poll());
            assertFalse(observer.session.isFinished());
        }
    }

    @Test
    void anObservationStartsWithTheCurrentLeader() throws Exception {
        long lease = etcd.grant(60);
        CampaignResponse won = await(campaign(elections, "current", lease, "now"));
        try (Observer observer = new Observer("current")) {
            LeaderResponse r = observer.next();
            assertEquals("now", r.getKv().getValue().toStringUtf8());
            assertTrue(r.getHeader().getRevision() >= won.getHeader().getRevision());
            proclaim(won.getLeader(), "later");
            assertEquals("later", observer.next().getKv().getValue().toStringUtf8());
        }
        resign(elections, won.getLeader());
    }

    @Test
    void aConsumerThatFallsBehindMissesNothingAndGetsEveryValueInOrder() throws Exception {
        long lease = etcd.grant(60);
        CampaignResponse won = await(campaign(elections, "slow", lease, "v0"));
        try (Observer observer = new Observer("slow")) {
            assertEquals("v0", observer.next().getKv().getValue().toStringUtf8());
            int values = LeaderObservation.BUFFER * 4;
            for (int i = 1; i <= values; i++) {
                proclaim(won.getLeader(), "v" + i);
            }
            for (int i = 1; i <= values; i++) {
                assertEquals("v" + i, observer.next().getKv().getValue().toStringUtf8());
            }
        }
        resign(elections, won.getLeader());
    }

    @Test
    void closingEndsTheObservation() throws Exception {
        long lease = etcd.grant(60);
        CampaignResponse won = await(campaign(elections, "closed", lease, "v"));
        Observer observer = new Observer("closed");
        observer.next();
        observer.close();
        proclaim(won.getLeader(), "after");
        assertNull(observer.session.poll());
        assertTrue(observer.session.isFinished());
        assertNull(observer.session.failure(), "closed by the transport, not failed");
        resign(elections, won.getLeader());
    }

    @Test
    void closingTheServiceEndsObservationsWithErrStopped() throws Exception {
        ElectionService own = new ElectionService(etcd.api, etcd.executor);
        ObserveSession session = own.observe(LeaderRequest.newBuilder().setName(bytes("stopping")).build(), CTX);
        Semaphore signals = new Semaphore(0);
        session.setListener(signals::release);
        own.close();
        assertTrue(session.isFinished());
        EtcdException failure = (EtcdException) session.failure();
        assertEquals(EtcdError.STOPPED, failure.error());
        assertTrue(signals.tryAcquire(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS), "the transport was told");
        try {
            own.observe(LeaderRequest.newBuilder().setName(bytes("stopping")).build(), CTX);
            fail("a closed service refuses new observations");
        } catch (EtcdException e) {
            assertEquals(EtcdError.STOPPED, e.error());
        }
    }

    @Test
    void anObservationWhoseHistoryWasCompactedEndsWithoutErrorAsEtcds() throws Exception {
        long lease = etcd.grant(60);
        CampaignResponse won = await(campaign(elections, "compacted", lease, "v"));
        try (Observer observer = new Observer("compacted")) {
            // Hold the consumer back: the observation stops reading its watch, whose stream fills
            // up, so its watcher falls behind; then compact past it.
            int values = WatchOptions.DEFAULT_STREAM_BUFFER_LENGTH + LeaderObservation.BUFFER * 3;
            for (int i = 1; i <= values; i++) {
                proclaim(won.getLeader(), "v" + i);
            }
            long now = etcd.server.currentRevision();
            await(etcd.server.compact(CompactionRequest.newBuilder().setRevision(now).build(), CTX));
            int seen = 0;
            while (true) {
                LeaderResponse r = observer.session.poll();
                if (r != null) {
                    seen++;
                    continue;
                }
                if (observer.session.isFinished()) {
                    break;
                }
                assertTrue(observer.signals.tryAcquire(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS), "stalled");
            }
            assertTrue(seen < values + 1, "responses compacted away are not invented");
            assertNull(observer.session.failure(), "etcd's Observe ends with status OK");
        }
        resign(elections, won.getLeader());
    }
}
