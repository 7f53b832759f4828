package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent writes share fsyncs: the Raft loop persists everything it gathered with one sync. */
class GroupCommitTest {
    private static final int THREADS = 16;
    private static final int PUTS_PER_THREAD = 125;
    private static final int PUTS = THREADS * PUTS_PER_THREAD;

    @TempDir
    Path dir;

    @Test
    void concurrentPutsAreAllAcknowledgedWithFarFewerFsyncs() throws Exception {
        Bootstrap.Started started = Bootstrap.start(TestMembers.member(dir, "rocks").config());
        try (EtcdServer server = started.server()) {
            TestMembers.assertServing(server);  // past start-up: its fsyncs are not counted
            long fsyncsBefore = started.raft().fsyncCount();
            long revisionBefore = server.currentRevision();

            // Each thread sends its puts without waiting for the answers, as pipelining clients do, so
            // the count below depends on how many proposals are queued while the loop persists, not on
            // how fast threads happen to be scheduled: the loop takes everything queued at once.
            List<List<CompletableFuture<PutResponse>>> perThread = new ArrayList<>();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<CompletableFuture<PutResponse>> futures = new ArrayList<>();
                perThread.add(futures);
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < PUTS_PER_THREAD; i++) {
                        futures.add(server.put(PutRequest.newBuilder().setKey(bytes("k/" + thread + "/" + i))
                                .setValue(bytes("v" + i)).build(), RequestContext.NONE));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }

            Set<Long> revisions = new HashSet<>();
            for (var futures : perThread) {
                assertEquals(PUTS_PER_THREAD, futures.size());
                long previous = 0;
                for (var f : futures) {
                    long revision = await(f).getHeader().getRevision();
                    assertTrue(revision > previous, "one client's puts apply in the order sent");
                    previous = revision;
                    revisions.add(revision);
                }
            }
            assertEquals(PUTS, revisions.size(), "every put got its own revision");
            assertEquals(revisionBefore + PUTS, server.currentRevision());
            assertEquals(PUTS, await(server.range(RangeRequest.newBuilder().setKey(bytes("k/"))
                    .setRangeEnd(bytes("k0")).setCountOnly(true).build(), RequestContext.NONE)).getCount());

            long fsyncs = started.raft().fsyncCount() - fsyncsBefore;
            assertTrue(fsyncs > 0, "the puts were synced");
            assertTrue(fsyncs < PUTS / 2, "group commit: " + fsyncs + " fsyncs for " + PUTS + " puts");
        }
    }
}
