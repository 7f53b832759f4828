package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4 v2store/event_test.go. */
class EventHistoryTest {
    private static Event event(Action a, String key, long index) {
        return new Event(a, new NodeExtern(key, null, false, null, 0, List.of(), index, index), null, 0, false);
    }

    @Test
    void queueKeepsTheLastCapacityEventsInOrder() {
        EventHistory eh = new EventHistory(100);
        for (int i = 0; i < 200; i++) {
            eh.add(event(Action.CREATE, "/foo", i));
        }
        int j = 100;
        int i = eh.front;
        for (int n = eh.size; n > 0; n--) {
            assertEquals(j, eh.events[i].index());
            j++;
            i = (i + 1) % eh.capacity;
        }
        assertEquals(100, eh.startIndex);
        assertEquals(199, eh.lastIndex);
    }

    @Test
    void scanHistory() {
        EventHistory eh = new EventHistory(100);
        eh.add(event(Action.CREATE, "/foo", 1));
        eh.add(event(Action.CREATE, "/foo/bar", 2));
        eh.add(event(Action.CREATE, "/foo/foo", 3));
        eh.add(event(Action.CREATE, "/foo/bar/bar", 4));
        eh.add(event(Action.CREATE, "/foo/foo/foo", 5));
        NodeExtern dir = new NodeExtern("/foo", null, true, null, 0, List.of(), 1, 1);
        eh.add(new Event(Action.DELETE, new NodeExtern("/foo", null, false, null, 0, List.of(), 6, 6), dir, 0, false));

        assertEquals(1, eh.scan("/foo", false, 1).index());
        assertEquals(2, eh.scan("/foo/bar", false, 1).index());
        assertEquals(4, eh.scan("/foo/bar", true, 3).index());
        assertEquals(6, eh.scan("/foo/foo/foo", false, 6).index());
        assertNull(eh.scan("/foo/bar", true, 7));
    }

    @Test
    void scanSkipsRefreshEvents() {
        EventHistory eh = new EventHistory(10);
        eh.add(new Event(Action.UPDATE, new NodeExtern("/k", "v", false, null, 0, List.of(), 1, 1), null, 0, true));
        assertNull(eh.scan("/k", false, 1));
        eh.add(event(Action.UPDATE, "/k", 2));
        assertEquals(2, eh.scan("/k", false, 1).index());
    }

    @Test
    void clearedIndex() {
        EventHistory eh = new EventHistory(5);
        for (int i = 1; i <= 6; i++) {
            eh.add(event(Action.CREATE, "/foo/" + i, i));
        }
        V2Error err = assertThrows(V2Error.class, () -> eh.scan("/foo", false, 1));
        assertEquals(V2ErrorCode.EVENT_INDEX_CLEARED, err.code());
        assertEquals("the requested history has been cleared [2/1]", err.cause());
        assertEquals(0, err.index());
    }

    @Test
    void fullQueueScansAcrossTheWrap() {
        EventHistory eh = new EventHistory(10);
        for (int i = 0; i < 1000; i++) {
            eh.add(event(Action.CREATE, "/foo", i));
            if (i > 0) {
                assertNotNull(eh.scan("/foo", true, i - 1), "scan at " + (i - 1));
            }
        }
    }

    @Test
    void emptyHistoryHasNothing() {
        assertNull(new EventHistory(10).scan("/", true, 1));
    }

    @Test
    void copyIsIndependent() {
        EventHistory eh = new EventHistory(3);
        eh.add(event(Action.CREATE, "/a", 1));
        EventHistory c = eh.copy();
        eh.add(event(Action.CREATE, "/b", 2));
        assertEquals(1, c.lastIndex);
        assertNull(c.scan("/b", false, 2));
        assertEquals(2, eh.scan("/b", false, 2).index());
    }
}
