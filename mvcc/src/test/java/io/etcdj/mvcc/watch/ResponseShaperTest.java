package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseShaperTest {
    /** An empty header costs 2 bytes (tag and length); etcd's own test sends none. */
    private static final int HEADER_BYTES = 2;

    private final WatchFixture f = new WatchFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private List<WatchResponse> shape(int maxBytes, boolean fragment, List<Event> events) {
        ResponseShaper shaper = new ResponseShaper(f.store, revision -> ResponseHeader.getDefaultInstance(), maxBytes);
        return shaper.shape(new Outgoing.Events(0, events, 9, false, fragment));
    }

    /** etcd's {@code createResponse}: events whose pair holds only a key of {@code size} bytes. */
    private static List<Event> events(int size, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("a".repeat(size)))).build());
        }
        return events;
    }

    private void assertFragments(int expected, int maxBytes, List<Event> events) {
        List<WatchResponse> pieces = shape(maxBytes, true, events);
        assertEquals(expected, pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            assertEquals(i < pieces.size() - 1, pieces.get(i).getFragment(), "fragment on all but the last");
        }
        assertEquals(events, pieces.stream().flatMap(p -> p.getEventsList().stream()).toList());
    }

    @Test
    void fragmentsAsEtcdsSendFragmentsTest() {
        assertFragments(1, Integer.MAX_VALUE, events(100, 1));
        assertFragments(1, 50 + HEADER_BYTES, events(10, 2));
        assertFragments(1, 1, events(1024, 1));
        assertFragments(5, 20 + HEADER_BYTES, events(11, 5));
        assertFragments(5, 10 + HEADER_BYTES, events(15, 5));
        assertFragments(2, 35 + HEADER_BYTES, events(10, 4));
    }

    private static Event put(String key, long revision, int valueBytes) {
        return Event.newBuilder().setKv(KeyValue.newBuilder().setKey(b(key)).setModRevision(revision)
                .setValue(ByteString.copyFromUtf8("x".repeat(valueBytes)))).build();
    }

    @Test
    void otherWatchersAreSplitOnlyBetweenRevisions() {
        List<Event> events = List.of(put("a", 2, 100), put("b", 2, 100), put("a", 3, 100), put("a", 4, 10), put("b", 4, 10));
        List<WatchResponse> pieces = shape(250, false, events);
        assertEquals(List.of(2, 3), pieces.stream().map(p -> p.getEventsCount()).toList(),
                "revision 2 fills the first; 3 and the small 4 fit in the second");
        pieces.forEach(p -> assertFalse(p.getFragment()));
        assertEquals(events, pieces.stream().flatMap(p -> p.getEventsList().stream()).toList());
        List<WatchResponse> oversized = shape(50, false, events.subList(0, 2));
        assertEquals(1, oversized.size(), "one revision is never split, whatever its size");
        assertTrue(oversized.get(0).getSerializedSize() > 50);
    }

    @Test
    void smallResponsesAndControlMessagesAreWhole() {
        List<Event> events = List.of(put("a", 2, 1), put("b", 3, 1));
        assertEquals(List.of(WatchResponse.newBuilder().setHeader(ResponseHeader.getDefaultInstance()).addAllEvents(events).build()),
                shape(1000, true, events));
        ResponseShaper shaper = new ResponseShaper(f.store, revision -> ResponseHeader.newBuilder().setRevision(revision).build(), 10);
        WatchResponse created = WatchResponse.newBuilder().setWatchId(3).setCreated(true).build();
        assertEquals(List.of(created.toBuilder().setHeader(ResponseHeader.newBuilder().setRevision(5)).build()),
                shaper.shape(new Outgoing.Message(created, 5, false)));
    }
}
