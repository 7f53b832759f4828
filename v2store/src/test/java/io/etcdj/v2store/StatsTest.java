package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4 v2store/stats_test.go plus etcd's counting quirks read from store.go. */
class StatsTest {
    private final TestClock clock = new TestClock();
    private final V2Store s = new V2Store(clock, "/0");
    private static final ExpireOptions P = ExpireOptions.PERMANENT;

    private void fail(Runnable op) {
        assertThrows(V2Error.class, op::run);
    }

    @Test
    void successesAndFailures() {
        s.create("/foo", false, "bar", false, P);
        s.get("/foo", false, false);
        fail(() -> s.get("/no_such_key", false, false));
        s.update("/foo", "baz", P);
        fail(() -> s.update("/nope", "bar", P));
        s.compareAndSwap("/foo", "baz", 0, "bar", P);
        fail(() -> s.compareAndSwap("/foo", "wrong_value", 0, "baz", P));
        s.set("/x", false, "1", P);
        s.delete("/x", false, false);
        fail(() -> s.delete("/x", false, false));
        s.create("/d", true, "", false, P);
        fail(() -> s.create("/d", false, "bar", false, P));
        s.compareAndDelete("/foo", "bar", 0);
        fail(() -> s.compareAndDelete("/foo", "bar", 0));
        StoreStats st = s.stats();
        assertEquals(new StoreStats(1, 1, 1, 0, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 0, 0), st);
    }

    @Test
    void expireCount() {
        s.create("/foo", false, "bar", false, ExpireOptions.at(clock.plusMillis(500)));
        assertEquals(0, s.stats().expireCount());
        clock.advanceMillis(600);
        s.deleteExpiredKeys(clock.instant());
        assertEquals(1, s.stats().expireCount());
    }

    @Test
    void etcdCountsSomeErrorsAsSuccesses() {
        s.create("/dir", true, "", false, P);
        s.create("/f", false, "v", false, P);
        fail(() -> s.update("/0", "", P));
        fail(() -> s.update("/dir", "value", P));
        fail(() -> s.compareAndSwap("/0", "", 0, "", P));
        fail(() -> s.delete("/0", true, true));
        fail(() -> s.compareAndDelete("/dir", "", 0));
        fail(() -> s.compareAndDelete("/f", "other", 0));
        StoreStats st = s.stats();
        assertEquals(2, st.updateSuccess());
        assertEquals(0, st.updateFail());
        assertEquals(1, st.compareAndSwapSuccess());
        assertEquals(1, st.deleteSuccess());
        assertEquals(2, st.compareAndDeleteSuccess());
        assertEquals(0, st.compareAndDeleteFail());
        assertEquals(2, s.index(), "none of them changed the store");
    }

    @Test
    void parentWalkFailureAlsoCountsASetFailure() {
        s.create("/f", false, "v", false, P);
        fail(() -> s.create("/f/child", false, "v", false, P));
        StoreStats st = s.stats();
        assertEquals(1, st.createFail());
        assertEquals(1, st.setsFail());
        fail(() -> s.set("/f/child", false, "v", P));
        assertEquals(2, s.stats().setsFail(), "set's own lookup fails first: counted once");
    }

    @Test
    void jsonStatsIsEtcdsStoreStatsBody() {
        s.create("/foo", false, "bar", false, P);
        s.get("/foo", false, false);
        s.watch("/foo", false, false, 0);
        assertEquals("{\"getsSuccess\":1,\"getsFail\":0,\"setsSuccess\":0,\"setsFail\":0,\"deleteSuccess\":0,"
                        + "\"deleteFail\":0,\"updateSuccess\":0,\"updateFail\":0,\"createSuccess\":1,\"createFail\":0,"
                        + "\"compareAndSwapSuccess\":0,\"compareAndSwapFail\":0,\"compareAndDeleteSuccess\":0,"
                        + "\"compareAndDeleteFail\":0,\"expireCount\":0,\"watchers\":1}",
                new String(s.jsonStats(), StandardCharsets.UTF_8));
    }
}
