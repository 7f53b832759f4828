package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4's watch tests (store_test.go, watcher_test.go, watcher_hub_test.go). */
class WatchTest {
    private final TestClock clock = new TestClock();
    private final V2Store s = new V2Store(clock);
    private static final ExpireOptions P = ExpireOptions.PERMANENT;

    @Test
    void watchCreate() {
        Watcher w = s.watch("/foo", false, false, 0);
        assertEquals(0, w.startIndex());
        assertEquals(1, s.watcherCount());
        s.create("/foo", false, "bar", false, P);
        Event e = w.poll();
        assertEquals(1, e.etcdIndex());
        assertEquals(Action.CREATE, e.action());
        assertEquals("/foo", e.node().key());
        assertNull(w.poll());
        assertTrue(w.isClosed(), "a one-shot watcher is done after its event");
        assertEquals(0, s.watcherCount());
    }

    @Test
    void watchRecursiveCreate() {
        Watcher w = s.watch("/foo", true, false, 0);
        s.create("/foo/bar", false, "baz", false, P);
        Event e = w.poll();
        assertEquals(1, e.etcdIndex());
        assertEquals("/foo/bar", e.node().key());
    }

    @Test
    void nonRecursiveWatchIgnoresChildren() {
        Watcher w = s.watch("/foo", false, false, 0);
        s.create("/foo/bar", false, "baz", false, P);
        assertNull(w.poll());
        s.update("/foo/bar", "x", P);
        assertNull(w.poll());
        assertFalse(w.isClosed());
    }

    @Test
    void watchUpdateDeleteCasAndTheirRecursiveForms() {
        s.create("/foo", false, "bar", false, P);
        s.create("/dir/bar", false, "baz", false, P);
        Watcher exact = s.watch("/foo", false, false, 0);
        Watcher rec = s.watch("/dir", true, false, 0);
        assertEquals(2, exact.startIndex());
        s.update("/foo", "baz", P);
        s.update("/dir/bar", "x", P);
        assertEquals(Action.UPDATE, exact.poll().action());
        Event e = rec.poll();
        assertEquals(4, e.etcdIndex());
        assertEquals("/dir/bar", e.node().key());

        exact = s.watch("/foo", false, false, 0);
        rec = s.watch("/dir", true, false, 0);
        s.compareAndSwap("/foo", "baz", 0, "q", P);
        s.compareAndSwap("/dir/bar", "x", 0, "q", P);
        assertEquals(Action.COMPARE_AND_SWAP, exact.poll().action());
        assertEquals(Action.COMPARE_AND_SWAP, rec.poll().action());

        exact = s.watch("/foo", false, false, 0);
        rec = s.watch("/dir", true, false, 0);
        s.delete("/foo", false, false);
        s.delete("/dir/bar", false, false);
        e = exact.poll();
        assertEquals(Action.DELETE, e.action());
        assertEquals(7, e.etcdIndex());
        assertEquals(Action.DELETE, rec.poll().action());
    }

    @Test
    void deletingADirectoryNotifiesWatchersOfItsChildren() {
        s.create("/foo/bar/baz", false, "v", false, P);
        Watcher deep = s.watch("/foo/bar/baz", false, false, 0);
        Watcher unrelated = s.watch("/other", false, false, 0);
        s.delete("/foo", true, true);
        Event e = deep.poll();
        assertEquals(Action.DELETE, e.action());
        assertEquals("/foo", e.node().key());
        assertTrue(e.node().dir());
        assertNull(unrelated.poll());
    }

    @Test
    void streamWatchGetsEveryEventAndStaysRegistered() {
        Watcher w = s.watch("/foo", false, true, 0);
        s.create("/foo", false, "bar", false, P);
        Event e = w.poll();
        assertEquals(1, e.etcdIndex());
        assertEquals("bar", e.node().value());
        assertNull(w.poll());
        s.update("/foo", "baz", P);
        e = w.poll();
        assertEquals(2, e.etcdIndex());
        assertEquals("baz", e.node().value());
        assertNull(w.poll());
        assertFalse(w.isClosed());
        assertEquals(1, s.watcherCount());
    }

    @Test
    void streamWatcherOfADeletedKeyGetsTheDeleteTwiceAsInEtcd() {
        s.create("/foo", false, "bar", false, P);
        Watcher w = s.watch("/foo", false, true, 0);
        Event deleted = s.delete("/foo", false, false);
        // Once from the removal callback, once from the path walk: etcd 3.4 does the same.
        assertSame(deleted, w.poll());
        assertSame(deleted, w.poll());
        assertNull(w.poll());
    }

    @Test
    void hiddenKeyWatchedExactly() {
        Watcher w = s.watch("/_foo", false, false, 0);
        s.create("/_foo", false, "bar", false, P);
        Event e = w.poll();
        assertEquals(1, e.etcdIndex());
        assertEquals("/_foo", e.node().key());
        w = s.watch("/_foo", false, false, 0);
        s.update("/_foo", "baz", P);
        assertEquals(Action.UPDATE, w.poll().action());
        w = s.watch("/_foo", false, false, 0);
        s.delete("/_foo", false, false);
        e = w.poll();
        assertEquals(3, e.etcdIndex());
        assertEquals(Action.DELETE, e.action());
    }

    @Test
    void recursiveWatchDoesNotSeeHiddenKeys() {
        Watcher w = s.watch("/foo", true, false, 0);
        s.create("/foo/_bar", false, "baz", false, P);
        assertNull(w.poll());
        s.create("/foo/_baz", true, "", false, P);
        s.create("/foo/_baz/quux", false, "quux", false, P);
        s.update("/foo/_bar", "x", P);
        s.delete("/foo/_bar", false, false);
        assertNull(w.poll());
        assertFalse(w.isClosed());
    }

    @Test
    void recursiveWatchDeeperThanAHiddenKeySeesIt() {
        Watcher w = s.watch("/_foo/bar", true, false, 0);
        s.create("/_foo/bar/baz", false, "baz", false, P);
        Event e = w.poll();
        assertEquals(1, e.etcdIndex());
        assertEquals("/_foo/bar/baz", e.node().key());
    }

    @Test
    void watchPrefixIsAPathNotAStringPrefix() {
        Watcher w = s.watch("/fo", true, false, 0);
        s.create("/foo/bar", false, "x", false, P);
        assertNull(w.poll());
        s.create("/fo/bar", false, "x", false, P);
        assertEquals("/fo/bar", w.poll().node().key());
    }

    @Test
    void slowStreamWatcherIsRemovedAndClosedAndTheStoreCarriesOn() {
        Watcher w = s.watch("/foo", true, true, 0);
        AtomicInteger signals = new AtomicInteger();
        w.setListener(signals::incrementAndGet);
        for (int i = 1; i <= Watcher.CAPACITY; i++) {
            s.set("/foo", false, Integer.toString(i), P);
        }
        assertEquals(1, s.watcherCount());
        assertFalse(w.isClosed());
        s.set("/foo", false, "101", P);
        assertEquals(0, s.watcherCount());
        assertTrue(w.isClosed());
        s.set("/foo", false, "102", P);
        assertEquals(Watcher.CAPACITY + 1, signals.get());
        for (int i = 1; i <= Watcher.CAPACITY; i++) {
            assertEquals(Integer.toString(i), w.poll().node().value());
        }
        assertNull(w.poll(), "events after the overflow are dropped");
    }

    @Test
    void removeUnregistersAndCloses() {
        Watcher w = s.watch("/foo", true, true, 0);
        Watcher other = s.watch("/foo", true, true, 0);
        assertEquals(2, s.watcherCount());
        w.remove();
        w.remove();
        assertEquals(1, s.watcherCount());
        assertTrue(w.isClosed());
        s.set("/foo", false, "x", P);
        assertNull(w.poll());
        assertEquals("x", other.poll().node().value());
        assertTrue(new String(s.jsonStats(), java.nio.charset.StandardCharsets.UTF_8).endsWith("\"watchers\":1}"));
    }

    @Test
    void listenerRunsAfterTheWriteAndAtOnceIfAlreadyReady() {
        Watcher w = s.watch("/foo", false, false, 0);
        AtomicInteger calls = new AtomicInteger();
        w.setListener(() -> {
            calls.incrementAndGet();
            // The store lock is released: reading the store from the listener must work.
            assertEquals(Action.GET, s.get("/foo", false, false).action());
        });
        assertEquals(0, calls.get());
        s.set("/foo", false, "x", P);
        assertEquals(1, calls.get());
        AtomicInteger late = new AtomicInteger();
        w.setListener(late::incrementAndGet);
        assertEquals(1, late.get(), "event already queued: listener runs immediately");
    }

    @Test
    void sinceIndexAnswersFromHistoryAndStampsTheCurrentIndex() {
        s.create("/foo", false, "a", false, P);
        s.create("/bar", false, "b", false, P);
        s.update("/foo", "c", P);
        Watcher w = s.watch("/foo", false, false, 2);
        assertEquals(3, w.startIndex());
        assertEquals(0, s.watcherCount(), "answered from history, never registered");
        Event e = w.poll();
        assertEquals(Action.UPDATE, e.action());
        assertEquals(3, e.node().modifiedIndex());
        assertEquals(3, e.etcdIndex());
        assertTrue(w.isClosed());
        Watcher first = s.watch("/foo", false, false, 1);
        assertEquals(Action.CREATE, first.poll().action());
        Watcher future = s.watch("/foo", false, false, 10);
        assertNull(future.poll());
        s.update("/foo", "d", P);
        assertNull(future.poll(), "index 4 < sinceIndex 10");
        assertEquals(1, s.watcherCount());
    }

    @Test
    void historyMatchesAncestorDirectoryDeletionByRawPrefix() {
        s.create("/foo/bar", false, "a", false, P);
        s.delete("/foo", true, true);
        assertEquals(Action.DELETE, s.watch("/foo/bar", false, false, 2).poll().action());
        // etcd compares raw strings, so /foobar "matches" the deletion of /foo too.
        assertEquals(Action.DELETE, s.watch("/foobar", false, false, 2).poll().action());
    }

    @Test
    void historyIndexCleared() {
        V2Store small = new V2Store(clock, java.util.List.of(), 5);
        for (int i = 0; i < 6; i++) {
            small.set("/k", false, "v" + i, P);
        }
        V2Error err = assertThrows(V2Error.class, () -> small.watch("/k", false, false, 1));
        assertEquals(V2ErrorCode.EVENT_INDEX_CLEARED, err.code());
        assertEquals(401, err.errorCode());
        assertEquals("The event in requested index is outdated and cleared", err.etcdMessage());
        assertEquals("the requested history has been cleared [2/1]", err.cause());
        assertEquals(6, err.index());
        assertEquals(400, err.statusCode());
        Event oldest = small.watch("/k", false, false, 2).poll();
        assertEquals("v1", oldest.node().value());
        assertEquals("v0", oldest.prevNode().value());
    }

    @Test
    void fullStoreHistoryWindowIs1000Events() {
        for (int i = 0; i < 1001; i++) {
            s.set("/k", false, "v", P);
        }
        assertThrows(V2Error.class, () -> s.watch("/k", false, false, 1));
        assertEquals(2, s.watch("/k", false, false, 2).poll().node().modifiedIndex());
    }

    @Test
    void isHiddenMatchesEtcd() {
        assertTrue(WatcherHub.isHidden("/", "/_foo"));
        assertFalse(WatcherHub.isHidden("/_foo", "/_foo"));
        assertFalse(WatcherHub.isHidden("/_foo", "/_foo/foo"));
        assertTrue(WatcherHub.isHidden("/_foo", "/_foo/_foo"));
        assertFalse(WatcherHub.isHidden("_foo/foo", "/_foo/"));
    }
}
