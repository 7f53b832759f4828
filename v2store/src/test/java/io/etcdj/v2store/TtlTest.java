package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4 v2store/store_ttl_test.go, driven by a hand-advanced clock. */
class TtlTest {
    private final TestClock clock = new TestClock();
    private final V2Store s = new V2Store(clock);
    private static final ExpireOptions P = ExpireOptions.PERMANENT;

    private void advanceAndExpire(long millis) {
        clock.advanceMillis(millis);
        s.deleteExpiredKeys(clock.instant());
    }

    @Test
    void expiryBeforeYear2000MeansPermanent() {
        s.create("/foo", false, "Y", false, ExpireOptions.at(Instant.parse("1999-12-31T23:59:59Z")));
        s.deleteExpiredKeys(clock.instant());
        Event e = s.get("/foo", true, false);
        assertEquals(1, e.etcdIndex());
        assertEquals(0, e.node().ttl());
        assertNull(e.node().expiration());
        assertFalse(s.hasTtlKeys());
    }

    @Test
    void directoryListingShowsTtls() {
        s.create("/foo", true, "", false, P);
        s.create("/foo/bar", false, "X", false, P);
        s.create("/foo/_hidden", false, "*", false, P);
        s.create("/foo/baz", true, "", false, P);
        s.create("/foo/baz/bat", false, "Y", false, P);
        s.create("/foo/baz/_hidden", false, "*", false, P);
        s.create("/foo/baz/ttl", false, "Y", false, ExpireOptions.at(clock.plus(Duration.ofSeconds(3))));
        Event e = s.get("/foo", true, false);
        assertEquals(7, e.etcdIndex());
        assertEquals(2, e.node().nodes().size());
        NodeExtern baz = e.node().nodes().stream().filter(n -> n.key().equals("/foo/baz")).findFirst().orElseThrow();
        assertEquals(2, baz.nodes().size());
        NodeExtern ttl = baz.nodes().stream().filter(n -> n.key().equals("/foo/baz/ttl")).findFirst().orElseThrow();
        assertEquals(3, ttl.ttl());
        assertEquals(clock.plus(Duration.ofSeconds(3)), ttl.expiration());
    }

    @Test
    void ttlIsRoundedUpToWholeSeconds() {
        s.create("/a", false, "", false, ExpireOptions.at(clock.plusMillis(2001)));
        assertEquals(3, s.get("/a", false, false).node().ttl());
        clock.advanceMillis(1001);
        assertEquals(1, s.get("/a", false, false).node().ttl());
        clock.advanceMillis(1000);
        assertEquals(0, s.get("/a", false, false).node().ttl(), "expired but not yet removed");
        clock.advanceMillis(1500);
        assertEquals(-1, s.get("/a", false, false).node().ttl(), "Go's division truncates toward zero");
    }

    @Test
    void updateValueTtl() {
        s.create("/foo", false, "bar", false, P);
        s.update("/foo", "baz", ExpireOptions.at(clock.plusMillis(500)));
        Event e = s.get("/foo", false, false);
        assertEquals("baz", e.node().value());
        assertEquals(2, e.etcdIndex());
        advanceAndExpire(600);
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, assertThrows(V2Error.class, () -> s.get("/foo", false, false)).code());
    }

    @Test
    void updateWithoutTtlMakesPermanent() {
        s.create("/foo", false, "bar", false, ExpireOptions.at(clock.plusMillis(500)));
        s.update("/foo", "baz", P);
        assertFalse(s.hasTtlKeys());
        advanceAndExpire(600);
        assertEquals("baz", s.get("/foo", false, false).node().value());
    }

    @Test
    void updateDirTtlExpiresItsChildren() {
        s.create("/foo", true, "", false, P);
        s.create("/foo/bar", false, "baz", false, P);
        Event e = s.update("/foo", "", ExpireOptions.at(clock.plusMillis(500)));
        assertTrue(e.node().dir());
        assertEquals(3, e.etcdIndex());
        assertEquals("baz", s.get("/foo/bar", false, false).node().value());
        advanceAndExpire(600);
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, assertThrows(V2Error.class, () -> s.get("/foo/bar", false, false)).code());
    }

    @Test
    void watchExpire() {
        s.create("/foo", false, "bar", false, ExpireOptions.at(clock.plusMillis(400)));
        s.create("/foofoo", false, "barbarbar", false, ExpireOptions.at(clock.plusMillis(450)));
        s.create("/foodir", true, "", false, ExpireOptions.at(clock.plusMillis(500)));
        Watcher w = s.watch("/", true, false, 0);
        assertEquals(3, w.startIndex());
        assertNull(w.poll());
        advanceAndExpire(600);
        Event e = w.poll();
        assertEquals(4, e.etcdIndex());
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("/foo", e.node().key());
        assertEquals("bar", e.prevNode().value());
        w = s.watch("/", true, false, 5);
        assertEquals(6, w.startIndex());
        e = w.poll();
        assertEquals(6, e.etcdIndex());
        assertEquals("/foofoo", e.node().key());
        e = s.watch("/", true, false, 6).poll();
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("/foodir", e.node().key());
        assertTrue(e.node().dir());
        assertEquals(3, s.stats().expireCount());
    }

    @Test
    void refreshIsNotSentToWatchers() {
        s.create("/foo", false, "bar", false, ExpireOptions.refreshTo(clock.plusMillis(500)));
        s.create("/foofoo", false, "barbarbar", false, ExpireOptions.refreshTo(clock.plusMillis(1200)));
        Watcher w = s.watch("/", true, false, 0);
        assertEquals(2, w.startIndex());
        assertNull(w.poll());
        advanceAndExpire(600);
        Event e = w.poll();
        assertEquals(3, e.etcdIndex());
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("/foo", e.node().key());

        Event refreshed = s.update("/foofoo", "", ExpireOptions.refreshTo(clock.plusMillis(500)));
        assertTrue(refreshed.refresh());
        assertEquals("barbarbar", refreshed.node().value(), "refresh keeps the value");
        w = s.watch("/", true, false, 4);
        assertEquals(4, w.startIndex());
        assertNull(w.poll(), "the refresh at index 4 is skipped in history");
        advanceAndExpire(700);
        e = w.poll();
        assertEquals(5, e.etcdIndex());
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("/foofoo", e.node().key());
    }

    @Test
    void emptyRefreshThenExpire() {
        s.create("/foo", false, "bar", false, ExpireOptions.refreshTo(clock.plusMillis(500)));
        advanceAndExpire(200);
        s.update("/foo", "", ExpireOptions.refreshTo(clock.plusMillis(500)));
        Watcher w = s.watch("/", true, false, 2);
        advanceAndExpire(700);
        assertEquals(2, w.startIndex());
        Event e = w.poll();
        assertEquals(3, e.etcdIndex());
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("bar", e.prevNode().value());
    }

    @Test
    void ttlUpdateWithoutRefreshIsAnUpdateEvent() {
        s.create("/foo", false, "bar", false, ExpireOptions.refreshTo(clock.plusMillis(500)));
        advanceAndExpire(200);
        s.update("/foo", "", ExpireOptions.at(clock.plusMillis(500)));
        Watcher w = s.watch("/", true, false, 2);
        advanceAndExpire(700);
        assertEquals(2, w.startIndex());
        Event e = w.poll();
        assertEquals(2, e.etcdIndex());
        assertEquals(Action.UPDATE, e.action());
        assertEquals("", e.node().value());
        assertEquals("bar", e.prevNode().value());
    }

    @Test
    void refreshThroughSetUpdateAndCas() {
        s.create("/foo", false, "bar", false, ExpireOptions.at(clock.plusMillis(500)));
        s.create("/bar", true, "", false, ExpireOptions.at(clock.plusMillis(500)));
        Watcher w = s.watch("/", true, true, 0);
        assertEquals("bar", s.update("/foo", "", ExpireOptions.refreshTo(clock.plusMillis(900))).node().value());
        Event set = s.set("/foo", false, "", ExpireOptions.refreshTo(clock.plusMillis(900)));
        assertEquals("bar", set.node().value());
        assertTrue(set.refresh());
        assertEquals(Action.SET, set.action());
        assertTrue(s.update("/bar", "", ExpireOptions.refreshTo(clock.plusMillis(900))).node().dir());
        Event cas = s.compareAndSwap("/foo", "bar", 0, "", ExpireOptions.refreshTo(clock.plusMillis(900)));
        assertEquals("bar", cas.node().value());
        assertNull(w.poll(), "refreshes never reach watchers");
        advanceAndExpire(600);
        assertEquals("bar", s.get("/foo", false, false).node().value(), "refreshed TTL not yet reached");
        advanceAndExpire(400);
        assertEquals(Action.EXPIRE, w.poll().action());
        assertEquals(Action.EXPIRE, w.poll().action());
    }

    @Test
    void expiredHiddenKeysAreNotSeenByRecursiveWatchers() {
        s.create("/_foo", false, "bar", false, ExpireOptions.at(clock.plusMillis(500)));
        s.create("/foofoo", false, "barbarbar", false, ExpireOptions.at(clock.plusMillis(1000)));
        Watcher w = s.watch("/", true, false, 0);
        advanceAndExpire(600);
        assertNull(w.poll());
        advanceAndExpire(600);
        Event e = w.poll();
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("/foofoo", e.node().key());
    }

    @Test
    void expiryOrderIsByTimeThenPath() {
        Instant t = clock.plusMillis(100);
        s.create("/c", false, "", false, ExpireOptions.at(t));
        s.create("/a", false, "", false, ExpireOptions.at(t));
        s.create("/b", false, "", false, ExpireOptions.at(clock.plusMillis(50)));
        Watcher w = s.watch("/", true, true, 0);
        advanceAndExpire(100);
        assertEquals(List.of("/b", "/a", "/c"),
                List.of(w.poll().node().key(), w.poll().node().key(), w.poll().node().key()));
        assertEquals(6, s.index());
    }

    @Test
    void expiryAtExactlyTheCutoffHappens() {
        s.create("/a", false, "", false, ExpireOptions.at(clock.plusMillis(100)));
        s.deleteExpiredKeys(clock.plusMillis(99));
        assertTrue(s.hasTtlKeys());
        s.deleteExpiredKeys(clock.plusMillis(100));
        assertFalse(s.hasTtlKeys());
        assertEquals(2, s.index());
    }

    @Test
    void expiringADirectoryNotifiesWatchersOfItsChildrenOnce() {
        s.create("/d/x", false, "1", false, ExpireOptions.at(clock.plusMillis(100)));
        s.update("/d", "", ExpireOptions.at(clock.plusMillis(50)));
        Watcher child = s.watch("/d/x", false, false, 0);
        advanceAndExpire(200);
        Event e = child.poll();
        assertEquals(Action.EXPIRE, e.action());
        assertEquals("/d", e.node().key());
        assertEquals(3, s.index(), "the child expired with its directory: one event");
        assertEquals(0, s.ttlHeapSize());
    }
}
