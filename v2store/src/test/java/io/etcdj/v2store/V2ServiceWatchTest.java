package io.etcdj.v2store;

import static io.etcdj.v2store.V2Fixtures.RAFT_INDEX;
import static io.etcdj.v2store.V2Fixtures.RAFT_TERM;
import static io.etcdj.v2store.V2Fixtures.assertAnswer;
import static io.etcdj.v2store.V2Fixtures.put;
import static io.etcdj.v2store.V2Fixtures.req;
import static io.etcdj.v2store.V2Fixtures.text;
import static io.etcdj.v2store.V2Fixtures.unixNanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.V2Answer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** v2 watches (GET wait=true) as answers: long polls, streams, history, expiry events. */
class V2ServiceWatchTest {
    private final TestClock clock = new TestClock();
    private final V2Service v2 = new V2Service(clock);
    private final AtomicInteger signals = new AtomicInteger();

    private void apply(V2Request r) {
        v2.apply(r, RAFT_INDEX, RAFT_TERM);
    }

    private V2Answer watch(V2Request.Builder r) {
        return v2.watch(r.setWait(true).build(), RAFT_INDEX, RAFT_TERM);
    }

    private V2Answer.Watch registered(V2Request.Builder r) {
        V2Answer.Watch w = assertInstanceOf(V2Answer.Watch.class, watch(r));
        w.setListener(signals::incrementAndGet);
        return w;
    }

    @Test
    void longPollDeliversTheFirstEventThenIsDone() {
        apply(put("/other", "x"));
        V2Answer.Watch w = registered(req("GET", "/foo"));
        assertEquals(1, w.etcdIndex(), "X-Etcd-Index is the index when the watch started");
        assertEquals(RAFT_INDEX, w.raftIndex());
        assertEquals(RAFT_TERM, w.raftTerm());
        assertEquals(0, signals.get());
        assertNull(w.poll());
        assertFalse(w.isDone());

        apply(put("/foo", "bar"));
        assertEquals(1, signals.get(), "the listener hears of the event");
        assertFalse(w.isDone(), "not done while its event is still to be read");
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":2,"
                + "\"createdIndex\":2}}\n", text(w.poll()));
        assertTrue(w.isDone());
        assertNull(w.poll());

        apply(put("/foo", "again"));
        assertEquals(1, signals.get());
        assertNull(w.poll());
        assertEquals(0, v2.store().stats().watchers(), "a delivered long poll is unregistered");
    }

    @Test
    void recursiveStreamDeliversEveryEventUntilClosed() {
        V2Answer.Watch w = registered(req("GET", "/dir").setRecursive(true).setStream(true));
        apply(put("/dir/a", "1"));
        apply(req("DELETE", "/dir/a").build());
        apply(put("/elsewhere", "x"));
        assertEquals(2, signals.get());
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/dir/a\",\"value\":\"1\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}\n", text(w.poll()));
        assertEquals("{\"action\":\"delete\",\"node\":{\"key\":\"/dir/a\",\"modifiedIndex\":2,\"createdIndex\":1},"
                + "\"prevNode\":{\"key\":\"/dir/a\",\"value\":\"1\",\"modifiedIndex\":1,\"createdIndex\":1}}\n",
                text(w.poll()));
        assertNull(w.poll());
        assertFalse(w.isDone());

        apply(put("/dir/b", "2"));
        w.close();
        assertTrue(w.isDone());
        assertNull(w.poll(), "a closed watch yields nothing more, even what was queued");
        assertEquals(4, signals.get(), "one signal for the event, one for the close");
        apply(put("/dir/c", "3"));
        assertEquals(4, signals.get());
        assertEquals(0, v2.store().stats().watchers());
        w.close();
        assertEquals(4, signals.get(), "closing twice signals once");
    }

    @Test
    void aStreamFallingTooFarBehindIsDroppedAfterItsQueuedEvents() {
        V2Answer.Watch w = registered(req("GET", "/k").setStream(true));
        for (int i = 1; i <= Watcher.CAPACITY + 1; i++) {
            apply(put("/k", "v" + i));
        }
        assertFalse(w.isDone(), "queued events are still delivered");
        for (int i = 1; i <= Watcher.CAPACITY; i++) {
            String json = text(w.poll());
            assertTrue(json.startsWith("{\"action\":\"set\",\"node\":{\"key\":\"/k\",\"value\":\"v" + i + "\""), json);
        }
        assertNull(w.poll(), "the overflowing event was dropped");
        assertTrue(w.isDone());
        assertEquals(0, v2.store().stats().watchers());
    }

    @Test
    void listenerSetAfterTheEventRunsAtOnce() {
        V2Answer.Watch w = assertInstanceOf(V2Answer.Watch.class, watch(req("GET", "/foo")));
        apply(put("/foo", "bar"));
        w.setListener(signals::incrementAndGet);
        assertEquals(1, signals.get());
        assertTrue(text(w.poll()).startsWith("{\"action\":\"set\""));
    }

    @Test
    void waitIndexInHistoryAnswersAtOnceWith200() {
        apply(put("/foo", "a"));
        apply(put("/bar", "b"));
        apply(put("/foo", "c"));
        // the first event at or after index 1 for /foo: the creating set, answered 200 (not 201)
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"a\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 3, watch(req("GET", "/foo").setSince(1)));
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"c\",\"modifiedIndex\":3,"
                + "\"createdIndex\":3},\"prevNode\":{\"key\":\"/foo\",\"value\":\"a\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 3, watch(req("GET", "/foo").setSince(2).setStream(true)));
        // past the history's end: a registered watch that waits for index 4
        V2Answer.Watch w = registered(req("GET", "/").setRecursive(true).setSince(4));
        assertEquals(3, w.etcdIndex());
        apply(put("/x", "y"));
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/x\",\"value\":\"y\",\"modifiedIndex\":4,"
                + "\"createdIndex\":4}}\n", text(w.poll()));
    }

    @Test
    void clearedHistoryAnswersError401() {
        for (int i = 0; i < V2Store.HISTORY_CAPACITY + 2; i++) {
            apply(put("/k", "v"));
        }
        assertAnswer(400, "{\"errorCode\":401,\"message\":\"The event in requested index is outdated and cleared\","
                + "\"cause\":\"the requested history has been cleared [3/1]\",\"index\":1002}", 1002,
                watch(req("GET", "/k").setSince(1)));
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/k\",\"value\":\"v\",\"modifiedIndex\":3,"
                + "\"createdIndex\":3},\"prevNode\":{\"key\":\"/k\",\"value\":\"v\",\"modifiedIndex\":2,"
                + "\"createdIndex\":2}}", 1002, watch(req("GET", "/k").setSince(3)));
    }

    @Test
    void syncExpiryReachesWatchersAsExpireEvents() {
        apply(req("PUT", "/dir/t").setVal("v").setExpiration(unixNanos(clock.plus(Duration.ofSeconds(1)))).build());
        V2Answer.Watch exact = registered(req("GET", "/dir/t"));
        V2Answer.Watch parent = registered(req("GET", "/dir").setRecursive(true).setStream(true));
        clock.advance(Duration.ofSeconds(2));
        apply(V2Requests.sync(1, clock.instant()));
        String expire = "{\"action\":\"expire\",\"node\":{\"key\":\"/dir/t\",\"modifiedIndex\":2,\"createdIndex\":1},"
                + "\"prevNode\":{\"key\":\"/dir/t\",\"value\":\"v\",\"expiration\":\"2024-01-01T00:00:01Z\",\"ttl\":-1,"
                + "\"modifiedIndex\":1,\"createdIndex\":1}}\n";
        assertEquals(expire, text(exact.poll()));
        assertTrue(exact.isDone());
        assertEquals(expire, text(parent.poll()));
        assertFalse(parent.isDone());
        parent.close();
    }

    @Test
    void refreshesAreNotSentToWatchers() {
        apply(req("PUT", "/t").setVal("v").setExpiration(unixNanos(clock.plus(Duration.ofSeconds(5)))).build());
        V2Answer.Watch w = registered(req("GET", "/t"));
        apply(req("PUT", "/t").setPrevExist(true).setRefresh(true)
                .setExpiration(unixNanos(clock.plus(Duration.ofSeconds(50)))).build());
        assertEquals(0, signals.get());
        assertNull(w.poll());
        assertFalse(w.isDone());
        w.close();
    }

    @Test
    void watchRefusesRequestsThatAreNotWatches() {
        assertThrows(IllegalArgumentException.class, () -> v2.watch(req("GET", "/f").build(), 1, 1));
        // quorum wins over wait in etcd: that request is a quorum read
        assertThrows(IllegalArgumentException.class,
                () -> v2.watch(req("GET", "/f").setWait(true).setQuorum(true).build(), 1, 1));
    }
}
