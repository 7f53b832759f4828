package io.etcdj.server.compactor;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.server.Bootstrap;
import io.etcdj.server.EtcdServer;
import io.etcdj.server.TestMembers;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-compaction against a real member, with short intervals. Results are awaited by polling the
 * store (and the compactions asked for); nothing asserts how long anything took.
 */
class AutoCompactorTest {
    private static final long POLL_LIMIT_MILLIS = 30_000;

    @TempDir
    Path dir;
    private EtcdServer server;
    private Recording recording;

    @BeforeEach
    void start() throws Exception {
        server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server();
        recording = new Recording(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void disabledByZeroRetention() {
        assertNull(AutoCompactor.revision(server, server::currentRevision, 0));
        assertNull(AutoCompactor.periodic(server, server::currentRevision, Duration.ZERO));
    }

    @Test
    void revisionModeCompactsAtCurrentMinusRetention() throws Exception {
        for (int i = 0; i < 10; i++) {
            put(server, "k", "v" + i);
        }
        assertEquals(11, server.currentRevision());
        try (AutoCompactor c = AutoCompactor.revision(recording, server::currentRevision, 3, Duration.ofMillis(20))) {
            pollUntil(() -> recording.revisions.contains(8L));
            assertCompactedAt(8);
            for (int i = 0; i < 5; i++) {
                put(server, "k", "w" + i);
            }
            pollUntil(() -> recording.revisions.contains(13L));
            assertCompactedAt(13);
        }
        // Never more than asked: each compaction kept the last 3 revisions of its time.
        for (long r : recording.revisions) {
            assertTrue(r >= 8 && r <= 13, "compacted at " + r + ": " + recording.revisions);
        }
    }

    @Test
    void periodicModeCompactsAtTheRevisionSampledOnePeriodAgo() throws Exception {
        for (int i = 0; i < 5; i++) {
            put(server, "k", "v" + i);
        }
        long atStart = server.currentRevision();
        try (AutoCompactor c = AutoCompactor.periodic(recording, server::currentRevision, Duration.ofMillis(500))) {
            // Written right after the start: newer than the retention period, so kept by the first compaction.
            for (int i = 0; i < 5; i++) {
                put(server, "k", "w" + i);
            }
            long latest = server.currentRevision();
            pollUntil(() -> !recording.revisions.isEmpty());
            // The first compaction, one period after the start, is at the revision sampled at the
            // start, whatever was written since: the sample window holds ten samples by then.
            assertEquals(atStart, recording.revisions.getFirst());
            assertEquals(EtcdError.COMPACTED, errorOf(rangeAt(atStart - 1)));
            // A period later the samples taken after the writes have aged enough.
            pollUntil(() -> recording.revisions.contains(latest));
            assertCompactedAt(latest);
            long previous = 0;
            for (long r : recording.revisions) {
                assertTrue(r >= previous && r >= atStart && r <= latest, "compactions: " + recording.revisions);
                previous = r;
            }
        }
    }

    @Test
    void periodicModeCapsTheIntervalAtTheGivenMaximum() throws Exception {
        put(server, "k", "v");
        long atStart = server.currentRevision();
        // Retention 2 s with a 200 ms cap: sampled every 20 ms, first compaction after the full 2 s
        // retention, at the revision of the start.
        try (AutoCompactor c = AutoCompactor.periodic(recording, server::currentRevision, Duration.ofSeconds(2),
                Duration.ofMillis(200))) {
            put(server, "k", "w");
            pollUntil(() -> !recording.revisions.isEmpty());
            assertEquals(atStart, recording.revisions.getFirst());
        }
    }

    private void assertCompactedAt(long revision) {
        // The compaction asked for may still be on its way through Raft.
        pollUntil(() -> errorOrNull(rangeAt(revision - 1)) == EtcdError.COMPACTED);
        await(rangeAt(revision));  // the compaction revision itself stays readable
    }

    private static EtcdError errorOrNull(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() instanceof EtcdException ee ? ee.error() : null;
        }
    }

    private CompletableFuture<RangeResponse> rangeAt(long revision) {
        return server.range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(revision).build(),
                RequestContext.NONE);
    }

    private static void pollUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + POLL_LIMIT_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within " + POLL_LIMIT_MILLIS + " ms");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The real server, noting the revision of every compaction the compactor asks for. */
    private static final class Recording implements EtcdServerApi {
        final List<Long> revisions = new CopyOnWriteArrayList<>();
        private final EtcdServer server;

        Recording(EtcdServer server) {
            this.server = server;
        }

        @Override
        public CompletableFuture<CompactionResponse> compact(CompactionRequest request, RequestContext context) {
            revisions.add(request.getRevision());
            return server.compact(request, context);
        }

        @Override
        public CompletableFuture<RangeResponse> range(RangeRequest request, RequestContext context) {
            return server.range(request, context);
        }

        @Override
        public CompletableFuture<PutResponse> put(PutRequest request, RequestContext context) {
            return server.put(request, context);
        }

        @Override
        public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, RequestContext context) {
            return server.deleteRange(request, context);
        }

        @Override
        public CompletableFuture<TxnResponse> txn(TxnRequest request, RequestContext context) {
            return server.txn(request, context);
        }

        @Override
        public CompletableFuture<StatusResponse> status(StatusRequest request, RequestContext context) {
            return server.status(request, context);
        }

        @Override
        public CompletableFuture<MemberListResponse> memberList(MemberListRequest request, RequestContext context) {
            return server.memberList(request, context);
        }

        @Override
        public int maxRequestBytes() {
            return server.maxRequestBytes();
        }
    }
}
