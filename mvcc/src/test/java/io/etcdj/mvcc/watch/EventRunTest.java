package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRunTest {
    private static Event at(long revision, String key) {
        return Event.newBuilder().setKv(KeyValue.newBuilder().setKey(b(key)).setModRevision(revision)).build();
    }

    @Test
    void chunksHoldWholeRevisionsAndReportWhereTheNextStarts() {
        EventRun run = new EventRun();
        List<Event> events = List.of(at(3, "a"), at(3, "b"), at(5, "a"), at(8, "a"), at(8, "b"), at(9, "c"));
        events.forEach(e -> run.add(e.getKv().getModRevision(), e));
        assertEquals(List.of(
                        new EventRun.Chunk(events.subList(0, 3), 3, 7),
                        new EventRun.Chunk(events.subList(3, 6), 8, 12)),
                run.chunks(2, 12));
        assertEquals(List.of(new EventRun.Chunk(events, 3, 12)), run.chunks(4, 12));
        assertEquals(4, run.chunks(1, 12).size(), "one chunk per revision");
        assertEquals(List.of(), new EventRun().chunks(3, 12));
    }
}
