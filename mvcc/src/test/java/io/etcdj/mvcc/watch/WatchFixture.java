package io.etcdj.mvcc.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.mvcc.InMemoryBackend;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.WriteTxn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** A store with a watch hub, a writer that commits like the server's apply loop, and stream helpers. */
final class WatchFixture implements AutoCloseable {
    /** Generous: only a guard against hangs, never a timing assertion. */
    static final long TIMEOUT_SECONDS = 60;

    final InMemoryBackend backend = InMemoryBackend.forStore();
    final MvccStore store = MvccStore.open(backend);
    final WatchHub hub;
    private long appliedIndex;

    WatchFixture() {
        this(WatchOptions.defaults());
    }

    WatchFixture(WatchOptions options) {
        hub = WatchHub.start(store, options);
    }

    /** Test options: everything default but a short sync interval, so waits are short. */
    static WatchOptions options() {
        return WatchOptions.defaults().withSyncInterval(Duration.ofMillis(10));
    }

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    // ---- writes (the test thread is the store's writer)

    /** One write transaction, not committed. */
    List<Event> write(Consumer<WriteTxn> changes) {
        try (WriteTxn txn = store.beginWrite()) {
            changes.accept(txn);
            return txn.end();
        }
    }

    void commit() {
        try {
            store.commit(++appliedIndex, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long put(String key, String value) {
        write(txn -> txn.put(b(key), b(value), 0));
        commit();
        return store.currentRevision();
    }

    /** Deletes {@code key} alone ({@code end} null) or {@code [key, end)}, committed. */
    long delete(String key, String end) {
        write(txn -> txn.deleteRange(b(key), end == null ? null : b(end), false));
        commit();
        return store.currentRevision();
    }

    void compact(long revision) {
        store.compact(revision);
        commit();
    }

    // ---- requests

    static WatchCreateRequest.Builder watch(String key) {
        return WatchCreateRequest.newBuilder().setKey(b(key));
    }

    static WatchRequest create(WatchCreateRequest.Builder request) {
        return WatchRequest.newBuilder().setCreateRequest(request).build();
    }

    // ---- reading streams

    static WatchResponse next(WatchStream stream) {
        try {
            WatchResponse response = stream.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(response, "no response within " + TIMEOUT_SECONDS + " s");
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Creates a watcher and returns its ID, checking the created response. */
    static long created(WatchStream stream, WatchCreateRequest.Builder request) {
        stream.handle(create(request));
        WatchResponse response = next(stream);
        assertTrue(response.getCreated(), response.toString());
        assertTrue(!response.getCanceled(), response.toString());
        return response.getWatchId();
    }

    /** Polls until {@code count} events of {@code watchId} arrived; fails on any other response. */
    static List<Event> events(WatchStream stream, long watchId, int count) {
        List<Event> events = new ArrayList<>();
        while (events.size() < count) {
            WatchResponse response = next(stream);
            assertEquals(watchId, response.getWatchId(), response.toString());
            assertTrue(response.getEventsCount() > 0, "unexpected " + response);
            events.addAll(response.getEventsList());
        }
        assertEquals(count, events.size(), "more events than expected: " + events);
        return events;
    }

    /** Nothing is waiting on the stream now. */
    static void assertNothingQueued(WatchStream stream) {
        WatchResponse response = stream.poll();
        if (response != null) {
            fail("unexpected response " + response);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The mod revisions of {@code events}, to compare sequences briefly. */
    static List<Long> revisions(List<Event> events) {
        return events.stream().map(e -> e.getKv().getModRevision()).toList();
    }

    @Override
    public void close() {
        hub.close();
        store.close();
    }
}
