package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Save/Recovery in etcd's snapshot format (store_v2_test.go, store_ttl_test.go recovery cases). */
class SnapshotTest {
    private final TestClock clock = new TestClock();
    private static final ExpireOptions P = ExpireOptions.PERMANENT;

    private static String bytes(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void recover() {
        V2Store s = new V2Store(clock);
        s.create("/foo", true, "", false, P);
        s.create("/foo/x", false, "bar", false, P);
        s.update("/foo/x", "barbar", P);
        s.create("/foo/y", false, "baz", false, P);
        V2Store s2 = new V2Store(clock);
        s2.recovery(s.save());
        Event e = s2.get("/foo/x", false, false);
        assertEquals(2, e.node().createdIndex());
        assertEquals(3, e.node().modifiedIndex());
        assertEquals(4, e.etcdIndex());
        assertEquals("barbar", e.node().value());
        assertEquals("baz", s2.get("/foo/y", false, false).node().value());
    }

    @Test
    void recoverWithExpiration() {
        V2Store s = new V2Store(clock);
        s.create("/foo", true, "", false, P);
        s.create("/foo/x", false, "bar", false, P);
        s.create("/foo/y", false, "baz", false, ExpireOptions.at(clock.plusMillis(5)));
        V2Store s2 = new V2Store(clock);
        s2.recovery(s.save());
        assertTrue(s2.hasTtlKeys());
        clock.advanceMillis(600);
        s2.deleteExpiredKeys(clock.instant());
        Event e = s2.get("/foo/x", false, false);
        assertEquals(4, e.etcdIndex());
        assertEquals("bar", e.node().value());
        assertThrows(V2Error.class, () -> s2.get("/foo/y", false, false));
    }

    @Test
    void roundTripIsExactIncludingHistoryStatsAndTtls() {
        V2Store s = new V2Store(clock, "/0", "/1");
        s.set("/1/a", false, "1", P);
        s.create("/1/q", false, "x<y>&\"z\"\n", true, P);
        s.create("/1/t/leaf", false, "v", false, ExpireOptions.at(clock.plusMillis(1500)));
        s.update("/1/t", "", ExpireOptions.at(clock.plus(java.time.Duration.ofNanos(2_000_000_001))));
        s.update("/1/t/leaf", "", ExpireOptions.refreshTo(clock.plusMillis(1800)));
        s.compareAndSwap("/1/a", "1", 0, "2", P);
        s.set("/1/_hidden", false, "h", P);
        s.delete("/1/_hidden", false, false);
        s.get("/1", true, true);
        assertThrows(V2Error.class, () -> s.get("/nope", false, false));
        s.watch("/1", true, true, 0);
        s.jsonStats();

        byte[] saved = s.save();
        V2Store r = new V2Store(clock, "/0", "/1");
        r.recovery(saved);
        assertEquals(s.dumpTree(), r.dumpTree());
        assertEquals(s.index(), r.index());
        assertEquals(s.version(), r.version());
        assertEquals(s.stats(), new StoreStats(r.stats().getsSuccess(), r.stats().getsFail(), r.stats().setsSuccess(),
                r.stats().setsFail(), r.stats().deleteSuccess(), r.stats().deleteFail(), r.stats().updateSuccess(),
                r.stats().updateFail(), r.stats().createSuccess(), r.stats().createFail(),
                r.stats().compareAndSwapSuccess(), r.stats().compareAndSwapFail(), r.stats().compareAndDeleteSuccess(),
                r.stats().compareAndDeleteFail(), r.stats().expireCount(), 1));
        assertArrayEquals(saved, r.save());
        assertTrue(bytes(saved).contains("\"watchers\":1}"), "etcd saves the count last reported by JsonStats");

        for (long since = 1; since <= s.index(); since++) {
            Event a = s.watch("/", true, false, since).poll();
            Event b = r.watch("/", true, false, since).poll();
            assertEquals(V2Json.event(a), V2Json.event(b), "history at " + since);
            assertEquals(a.etcdIndex(), b.etcdIndex());
        }

        List<String> expiredOriginal = expireAll(s);
        List<String> expiredRecovered = expireAll(r);
        assertEquals(expiredOriginal, expiredRecovered);
        assertEquals(List.of("/1/t/leaf", "/1/t"), expiredOriginal);
        assertEquals(s.dumpTree(), r.dumpTree());
    }

    private List<String> expireAll(V2Store st) {
        Watcher w = st.watch("/", true, true, 0);
        st.deleteExpiredKeys(clock.plusMillis(5000));
        List<String> keys = new ArrayList<>();
        for (Event e = w.poll(); e != null; e = w.poll()) {
            keys.add(e.node().key());
        }
        return keys;
    }

    /** A snapshot laid out as etcd 3.4 writes it (times in the writer's local zone). */
    private static String etcdSnapshot(String expireTime, String eventExpiration) {
        List<String> events = new ArrayList<>(Collections.nCopies(1000, "null"));
        events.set(0, "{\"action\":\"create\",\"node\":{\"key\":\"/1/foo\",\"value\":\"bar\",\"modifiedIndex\":1,\"createdIndex\":1}}");
        events.set(1, "{\"action\":\"create\",\"node\":{\"key\":\"/1/dir/ttl\",\"value\":\"v\",\"expiration\":\""
                + eventExpiration + "\",\"ttl\":3600,\"modifiedIndex\":2,\"createdIndex\":2}}");
        String permanent = "\"ExpireTime\":\"0001-01-01T00:00:00Z\"";
        return "{\"Root\":{\"Path\":\"/\",\"CreatedIndex\":0,\"ModifiedIndex\":0," + permanent + ",\"Value\":\"\",\"Children\":{"
                + "\"0\":{\"Path\":\"/0\",\"CreatedIndex\":0,\"ModifiedIndex\":0," + permanent + ",\"Value\":\"\",\"Children\":{}},"
                + "\"1\":{\"Path\":\"/1\",\"CreatedIndex\":0,\"ModifiedIndex\":0," + permanent + ",\"Value\":\"\",\"Children\":{"
                + "\"dir\":{\"Path\":\"/1/dir\",\"CreatedIndex\":2,\"ModifiedIndex\":2," + permanent + ",\"Value\":\"\",\"Children\":{"
                + "\"ttl\":{\"Path\":\"/1/dir/ttl\",\"CreatedIndex\":2,\"ModifiedIndex\":2,\"ExpireTime\":\"" + expireTime
                + "\",\"Value\":\"v\",\"Children\":null}}},"
                + "\"foo\":{\"Path\":\"/1/foo\",\"CreatedIndex\":1,\"ModifiedIndex\":1," + permanent
                + ",\"Value\":\"bar\",\"Children\":null}}}}},"
                + "\"WatcherHub\":{\"EventHistory\":{\"Queue\":{\"Events\":[" + String.join(",", events)
                + "],\"Size\":2,\"Front\":0,\"Back\":2,\"Capacity\":1000},\"StartIndex\":1,\"LastIndex\":2}},"
                + "\"CurrentIndex\":2,\"Stats\":{\"getsSuccess\":7,\"getsFail\":1,\"setsSuccess\":0,\"setsFail\":0,"
                + "\"deleteSuccess\":0,\"deleteFail\":0,\"updateSuccess\":0,\"updateFail\":0,\"createSuccess\":2,"
                + "\"createFail\":0,\"compareAndSwapSuccess\":0,\"compareAndSwapFail\":0,\"compareAndDeleteSuccess\":0,"
                + "\"compareAndDeleteFail\":0,\"expireCount\":0,\"watchers\":0},\"CurrentVersion\":2}";
    }

    @Test
    void readsEtcdsFormatAndWritesItBackInUtc() {
        String fromEtcd = etcdSnapshot("2024-01-01T02:00:00.5+02:00", "2024-01-01T00:00:00.5Z");
        V2Store s = new V2Store(clock, "/0", "/1");
        s.recovery(fromEtcd.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, s.index());
        assertEquals(7, s.stats().getsSuccess());
        assertEquals(2, s.stats().createSuccess());
        NodeExtern ttl = s.get("/1/dir/ttl", false, false).node();
        assertEquals(Instant.parse("2024-01-01T00:00:00.5Z"), ttl.expiration());
        assertEquals(1, ttl.ttl());
        Event first = s.watch("/1", true, false, 1).poll();
        assertEquals("/1/foo", first.node().key());
        assertEquals(2, first.etcdIndex());
        assertEquals(V2ErrorCode.NODE_EXIST, assertThrows(V2Error.class, () -> s.create("/1/foo", false, "", false, P)).code());

        V2Store fresh = new V2Store(clock, "/0", "/1");
        fresh.recovery(fromEtcd.getBytes(StandardCharsets.UTF_8));
        assertEquals(etcdSnapshot("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.5Z"), bytes(fresh.save()));
    }

    @Test
    void freshStoreSavesEtcdsEmptyLayout() {
        String saved = bytes(new V2Store(clock).save());
        assertTrue(saved.startsWith("{\"Root\":{\"Path\":\"/\",\"CreatedIndex\":0,\"ModifiedIndex\":0,"
                + "\"ExpireTime\":\"0001-01-01T00:00:00Z\",\"Value\":\"\",\"Children\":{}},"
                + "\"WatcherHub\":{\"EventHistory\":{\"Queue\":{\"Events\":[null,null,"), saved);
        assertTrue(saved.endsWith("null],\"Size\":0,\"Front\":0,\"Back\":0,\"Capacity\":1000},\"StartIndex\":0,"
                + "\"LastIndex\":0}},\"CurrentIndex\":0,\"Stats\":{\"getsSuccess\":0,\"getsFail\":0,\"setsSuccess\":0,"
                + "\"setsFail\":0,\"deleteSuccess\":0,\"deleteFail\":0,\"updateSuccess\":0,\"updateFail\":0,"
                + "\"createSuccess\":0,\"createFail\":0,\"compareAndSwapSuccess\":0,\"compareAndSwapFail\":0,"
                + "\"compareAndDeleteSuccess\":0,\"compareAndDeleteFail\":0,\"expireCount\":0,\"watchers\":0},"
                + "\"CurrentVersion\":2}"), saved);
    }

    @Test
    void watchersSurviveRecovery() {
        V2Store s = new V2Store(clock);
        Watcher w = s.watch("/k", false, false, 0);
        V2Store other = new V2Store(clock);
        other.set("/x", false, "1", P);
        s.recovery(other.save());
        s.set("/k", false, "v", P);
        assertEquals(2, w.poll().node().modifiedIndex());
    }

    @Test
    void malformedSnapshotIsRejectedAndLeavesTheStoreAlone() {
        V2Store s = new V2Store(clock);
        s.set("/k", false, "v", P);
        for (String bad : List.of("", "{", "[]", "{\"Root\":1}", "{\"CurrentIndex\":3}",
                "{\"Root\":{\"Path\":\"/\",\"Children\":{}},\"WatcherHub\":{\"EventHistory\":{\"Queue\":"
                        + "{\"Events\":[null],\"Size\":5,\"Front\":0,\"Back\":0,\"Capacity\":1}}}}",
                "{\"Root\":{\"Path\":\"/\",\"ExpireTime\":\"yesterday\",\"Children\":{}}}")) {
            assertThrows(IllegalArgumentException.class, () -> s.recovery(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertEquals("v", s.get("/k", false, false).node().value());
        assertEquals(1, s.index());
    }

    @Test
    void minimalSnapshotUsesGoZeroValues() {
        V2Store s = new V2Store(clock);
        s.recovery("{\"Root\":{\"Path\":\"/\",\"Children\":{\"a\":{\"Path\":\"/a\",\"Value\":\"x\"}}}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("x", s.get("/a", false, false).node().value());
        assertEquals(0, s.index());
        assertEquals(2, s.version());
        assertNull(s.watch("/a", false, false, 0).poll());
    }
}
