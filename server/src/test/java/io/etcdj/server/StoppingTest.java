package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How requests end when the server stops, or when its Raft loop dies: with ErrStopped, promptly,
 * never by hanging until the request timeout; and callers' callbacks never run on the Raft loop.
 */
class StoppingTest {
    private static final RequestContext CTX = RequestContext.NONE;

    @TempDir
    Path dir;

    @Test
    void everyRequestAfterCloseFailsWithStopped() throws Exception {
        EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server();
        put(server, "k", "v");
        server.close();
        server.close();  // idempotent

        RangeRequest range = RangeRequest.newBuilder().setKey(bytes("k")).build();
        assertEquals(EtcdError.STOPPED, errorOf(server.range(range, CTX)));
        assertEquals(EtcdError.STOPPED, errorOf(server.range(range.toBuilder().setSerializable(true).build(), CTX)));
        assertEquals(EtcdError.STOPPED, errorOf(server.txn(TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestRange(range)).build(), CTX)));
        assertEquals(EtcdError.STOPPED, errorOf(server.put(
                PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("w")).build(), CTX)));
        assertEquals(EtcdError.STOPPED, errorOf(server.deleteRange(
                DeleteRangeRequest.newBuilder().setKey(bytes("k")).build(), CTX)));
        assertEquals(EtcdError.STOPPED, errorOf(server.compact(
                CompactionRequest.newBuilder().setRevision(1).build(), CTX)));
        assertEquals(EtcdError.STOPPED, errorOf(server.status(StatusRequest.getDefaultInstance(), CTX)));
    }

    @Test
    void closingUnderLoadEndsEveryRequestWithAnAnswerOrStopped() throws Exception {
        EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server();
        ConcurrentLinkedQueue<CompletableFuture<?>> sent = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int client = t;
            clients.add(Thread.ofPlatform().start(() -> {
                // Until the close has returned, and then one more round of each kind of request.
                int last = Integer.MAX_VALUE;
                for (int i = 0; i < last; i++) {
                    if (last == Integer.MAX_VALUE && closed.get()) {
                        last = i + 3;
                    }
                    try {
                        CompletableFuture<?> f = switch (i % 3) {
                            case 0 -> server.put(PutRequest.newBuilder().setKey(bytes("c" + client))
                                    .setValue(bytes("v" + i)).build(), CTX);
                            case 1 -> server.range(RangeRequest.newBuilder().setKey(bytes("c" + client)).build(), CTX);
                            default -> server.range(RangeRequest.newBuilder().setKey(bytes("c" + client))
                                    .setSerializable(true).build(), CTX);
                        };
                        sent.add(f);
                        f.thenRun(acknowledged::incrementAndGet);
                        if (i % 64 == 63) {
                            f.get(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS);  // keep the backlog bounded
                        }
                    } catch (ExecutionException e) {
                        // judged below with every other future
                    } catch (Throwable e) {  // a request must fail its future, never throw
                        thrown.add(e);
                        return;
                    }
                }
            }));
        }
        while (acknowledged.get() < 2_000) {
            Thread.sleep(5);
        }
        server.close();
        closed.set(true);
        for (Thread t : clients) {
            t.join();
        }
        assertTrue(thrown.isEmpty(), "requests threw: " + thrown);
        int stopped = 0;
        for (CompletableFuture<?> f : sent) {
            try {
                f.get(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof EtcdException ee) || ee.error() != EtcdError.STOPPED) {
                    fail("a request ended with " + e.getCause() + " instead of an answer or ErrStopped", e.getCause());
                }
                stopped++;
            } catch (TimeoutException e) {
                fail("a request was left hanging by the close");
            }
        }
        assertTrue(stopped >= 8 * 3, "every request sent after the close failed: " + stopped);
    }

    @Test
    void aCallbackMayWaitForAnotherRequest() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server()) {
            // A caller that chains a synchronous request in its callback (common in client code).
            // Run on the Raft loop, the callback would block the very thread that must apply the
            // inner request, until the request timeout.
            CompletableFuture<Long> afterWrite = server.put(PutRequest.newBuilder().setKey(bytes("a"))
                            .setValue(bytes("1")).build(), CTX)
                    .thenApply(r -> put(server, "b", "2").getHeader().getRevision());
            assertEquals(3, await(afterWrite));

            CompletableFuture<Long> afterFailure = server.compact(CompactionRequest.newBuilder()
                            .setRevision(1000).build(), CTX)
                    .handle((r, failure) -> {
                        assertNotNull(failure, "compacting at a future revision fails");
                        return put(server, "c", "3").getHeader().getRevision();
                    });
            assertEquals(4, await(afterFailure));

            CompletableFuture<Long> afterRead = server.range(RangeRequest.newBuilder().setKey(bytes("a")).build(), CTX)
                    .thenApply(r -> put(server, "d", "4").getHeader().getRevision());
            assertEquals(5, await(afterRead));
        }
    }

    @Test
    void aFatalApplyErrorFailsTheWaitingWriteWithStopped() throws Exception {
        // LMDB with a 1 MiB map: the backend commit that overflows it fails, which stops the Raft loop.
        EtcdServer server = Bootstrap.start(TestMembers.member(dir, "lmdb",
                "--store-opt", "map-size-bytes=1048576").config()).server();
        try {
            String value = "x".repeat(64 * 1024);
            EtcdError failed = null;
            for (int i = 0; i < 64 && failed == null; i++) {
                CompletableFuture<?> f = server.put(PutRequest.newBuilder().setKey(bytes("k" + i))
                        .setValue(bytes(value)).build(), CTX);
                try {
                    f.get(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failed = e.getCause() instanceof EtcdException ee ? ee.error() : null;
                    assertNotNull(failed, "failed with " + e.getCause());
                }
            }
            assertNotNull(failed, "64 puts of 64 KiB overflow a 1 MiB map");
            // The put whose apply failed waits for nothing more: it is told the server stopped
            // (it is in the WAL, so a restart with a larger map applies it).
            assertEquals(EtcdError.STOPPED, failed);
            assertEquals(EtcdError.STOPPED, errorOf(server.put(
                    PutRequest.newBuilder().setKey(bytes("later")).setValue(bytes("v")).build(), CTX)));
            assertEquals(EtcdError.STOPPED, errorOf(server.range(
                    RangeRequest.newBuilder().setKey(bytes("k0")).build(), CTX)));
            var status = await(server.status(StatusRequest.getDefaultInstance(), CTX));
            assertTrue(status.getErrorsList().stream().anyMatch(e -> e.contains("raft loop stopped")),
                    status.getErrorsList().toString());
        } finally {
            server.close();
        }
    }
}
