package io.etcdj.server.concurrency;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.LeaseGrantRequest;
import io.etcdj.api.etcdserverpb.LeaseRevokeRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.server.Bootstrap;
import io.etcdj.server.EtcdServer;
import io.etcdj.server.TestMembers;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.WatchSession;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.etcdj.spi.server.RequestContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** A real single member started in-process, with the calls the concurrency tests share. */
final class InProcessServer implements AutoCloseable {
    static final RequestContext CTX = RequestContext.NONE;

    final EtcdServer server;
    /** The server as the services under test see it: every watch session it opens is counted until closed. */
    final EtcdServerApi api;
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger openWatches = new AtomicInteger();

    InProcessServer(Path dir) throws IOException {
        this.server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server();
        this.api = (EtcdServerApi) Proxy.newProxyInstance(EtcdServerApi.class.getClassLoader(),
                new Class<?>[] {EtcdServerApi.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(server, args);
                        return result instanceof WatchSession session ? counted(session) : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Watch sessions the services opened and have not closed. */
    int openWatches() {
        return openWatches.get();
    }

    private WatchSession counted(WatchSession session) {
        openWatches.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return new WatchSession() {
            @Override
            public void handle(WatchRequest request) {
                session.handle(request);
            }

            @Override
            public WatchResponse poll() {
                return session.poll();
            }

            @Override
            public void setListener(Runnable responsesWaiting) {
                session.setListener(responsesWaiting);
            }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    openWatches.decrementAndGet();
                }
                session.close();
            }
        };
    }

    long grant(long ttlSeconds) {
        return await(server.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build(), CTX)).getID();
    }

    void revoke(long lease) {
        await(server.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build(), CTX));
    }

    KeyValue get(ByteString key) {
        var r = await(server.range(RangeRequest.newBuilder().setKey(key).build(), CTX));
        return r.getKvsCount() == 0 ? null : r.getKvs(0);
    }

    /** Every key under {@code prefix}, oldest first. */
    java.util.List<KeyValue> under(String prefix) {
        ByteString p = bytes(prefix);
        return await(server.range(RangeRequest.newBuilder().setKey(p).setRangeEnd(Keys.prefixEnd(p))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND).build(),
                CTX)).getKvsList();
    }

    /** Waits (test side only) until {@code condition} holds; fails the test after {@link TestMembers#WAIT_SECONDS}. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestMembers.WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The failure a request ended with; fails the test if it succeeded or hung. */
    static EtcdException failureOf(CompletableFuture<?> f) {
        try {
            Object value = f.get(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS);
            return fail("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return assertInstanceOf(EtcdException.class, e.getCause(), "failure: " + e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("request did not complete in " + TestMembers.WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String hex(long lease) {
        return Long.toHexString(lease);
    }

    @Override
    public void close() {
        server.close();
        executor.close();
    }
}
