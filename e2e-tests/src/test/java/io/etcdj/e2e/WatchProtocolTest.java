package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Watch service on the wire, through raw gRPC stubs, as etcd 3.4.23 answers:
 * <ul>
 *   <li>every create is answered with {@code created=true}, the watch ID (0, 1, ... per stream unless the
 *       client chose one) and the store's current revision in the header; the watcher's events never come
 *       before that answer;</li>
 *   <li>each watcher gets its own responses (one per revision when live), headed with the revision of the
 *       write;</li>
 *   <li>a cancel is answered with {@code canceled=true} and the ID; cancelling an unknown ID is not
 *       answered at all;</li>
 *   <li>a progress request is answered at once with watch ID -1 and the current revision;</li>
 *   <li>a watch from a compacted revision is created, then canceled with {@code compact_revision} set, an
 *       empty cancel reason and header revision 0;</li>
 *   <li>a duplicate client-chosen watch ID is refused in the creation answer
 *       ({@code created} and {@code canceled}, ID -1, reason
 *       {@code mvcc: duplicate watch ID provided on the WatchStream}).</li>
 * </ul>
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class WatchProtocolTest {

    /** Long enough to show that nothing more comes; an absence, never a speed. */
    private static final Duration QUIET = Duration.ofMillis(500);
    /** WatchCreateRequest.watch_id, which jetcd's generated classes predate: sent as a raw field. */
    private static final int WATCH_ID_FIELD = 7;

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Etcdctl ctl;
    private static ManagedChannel channel;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("watch-grpc", variant);
        ctl = server.etcdctl();
        channel = Grpc.channel(server);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        Grpc.close(channel);
        channel = null;
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void createIsAnsweredWithTheIdAndEachWatcherGetsItsOwnEvents() {
        try (WatchStream stream = new WatchStream(channel)) {
            long current = ctl.revision();
            stream.create(WatchCreateRequest.newBuilder().setKey(utf8("wp/a")));
            WatchResponse created = stream.next();
            assertTrue(created.getCreated());
            assertFalse(created.getCanceled());
            assertEquals(0, created.getWatchId(), "the first watch of a stream has ID 0");
            assertEquals(current, created.getHeader().getRevision());
            assertEquals(0, created.getEventsCount());
            assertTrue(created.getHeader().getClusterId() != 0 && created.getHeader().getMemberId() != 0);

            stream.create(prefix("wp/"));
            WatchResponse second = stream.next();
            assertTrue(second.getCreated());
            assertEquals(1, second.getWatchId());

            long put = ctl.put("wp/a", "v");
            List<WatchResponse> responses = byWatchId(List.of(stream.next(), stream.next()));
            for (int id = 0; id < 2; id++) {
                WatchResponse response = responses.get(id);
                assertEquals(id, response.getWatchId());
                assertFalse(response.getCreated());
                assertEquals(put, response.getHeader().getRevision(), "a live response carries the write's revision");
                assertEquals(1, response.getEventsCount());
                Event event = response.getEvents(0);
                assertEquals(Event.EventType.PUT, event.getType());
                KeyValue kv = event.getKv();
                assertEquals("wp/a", kv.getKey().toStringUtf8());
                assertEquals("v", kv.getValue().toStringUtf8());
                assertEquals(put, kv.getCreateRevision());
                assertEquals(put, kv.getModRevision());
                assertEquals(1, kv.getVersion());
                assertFalse(event.hasPrevKv());
            }
            ctl.put("wp/b", "only the prefix watch");
            WatchResponse onlyPrefix = stream.next();
            assertEquals(1, onlyPrefix.getWatchId());
            assertEquals("wp/b", onlyPrefix.getEvents(0).getKv().getKey().toStringUtf8());
            stream.assertNothingWithin(QUIET);
        }
    }

    @Test
    void cancelIsAnsweredAndStopsTheEvents() {
        try (WatchStream stream = new WatchStream(channel)) {
            stream.create(WatchCreateRequest.newBuilder().setKey(utf8("wc/k")));
            long id = stream.next().getWatchId();
            long current = ctl.revision();
            stream.cancel(id);
            WatchResponse canceled = stream.next();
            assertTrue(canceled.getCanceled());
            assertFalse(canceled.getCreated());
            assertEquals(id, canceled.getWatchId());
            assertEquals(current, canceled.getHeader().getRevision());
            assertEquals("", canceled.getCancelReason());
            assertEquals(0, canceled.getCompactRevision());

            ctl.put("wc/k", "after the cancel");
            stream.cancel(id);
            stream.cancel(99);
            stream.assertNothingWithin(QUIET); // no event, and no answer to cancelling unknown IDs
        }
    }

    @Test
    void progressRequestIsAnsweredWithTheCurrentRevisionAndWatchIdMinusOne() {
        try (WatchStream stream = new WatchStream(channel)) {
            stream.create(WatchCreateRequest.newBuilder().setKey(utf8("wprog/k")));
            stream.next();
            ctl.put("wprog/other", "x");
            long current = ctl.revision();
            stream.requestProgress();
            WatchResponse progress = stream.next();
            assertEquals(-1, progress.getWatchId());
            assertEquals(current, progress.getHeader().getRevision());
            assertFalse(progress.getCreated());
            assertFalse(progress.getCanceled());
            assertEquals(0, progress.getEventsCount());
            stream.assertNothingWithin(QUIET);
        }
    }

    @Test
    void watchFromACompactedRevisionIsCreatedThenCanceled() {
        long r1 = ctl.put("wcmp/k", "v1");
        long r2 = ctl.put("wcmp/k", "v2");
        ctl.ok("compaction", String.valueOf(r2));
        long current = ctl.revision();
        try (WatchStream stream = new WatchStream(channel)) {
            stream.create(WatchCreateRequest.newBuilder().setKey(utf8("wcmp/k")).setStartRevision(r1));
            WatchResponse created = stream.next();
            assertTrue(created.getCreated());
            assertFalse(created.getCanceled());
            assertEquals(current, created.getHeader().getRevision());

            WatchResponse canceled = stream.next();
            assertEquals(created.getWatchId(), canceled.getWatchId());
            assertTrue(canceled.getCanceled());
            assertFalse(canceled.getCreated());
            assertEquals(r2, canceled.getCompactRevision());
            assertEquals("", canceled.getCancelReason(), "the client derives the error from compact_revision");
            assertEquals(0, canceled.getHeader().getRevision());
            assertEquals(0, canceled.getEventsCount());

            stream.create(WatchCreateRequest.newBuilder().setKey(utf8("wcmp/k")).setStartRevision(r2));
            stream.next();
            WatchResponse kept = stream.next();
            assertEquals(current, kept.getHeader().getRevision(), "a replay carries the current revision");
            assertEquals(1, kept.getEventsCount(), "the compacted revision itself is still there");
            assertEquals(r2, kept.getEvents(0).getKv().getModRevision());
        }
    }

    @Test
    void clientChosenWatchIdsAndDuplicates() {
        try (WatchStream stream = new WatchStream(channel)) {
            stream.create(withWatchId(WatchCreateRequest.newBuilder().setKey(utf8("wid/k")), 7));
            WatchResponse chosen = stream.next();
            assertTrue(chosen.getCreated());
            assertEquals(7, chosen.getWatchId());

            stream.create(withWatchId(WatchCreateRequest.newBuilder().setKey(utf8("wid/k")), 7));
            WatchResponse duplicate = stream.next();
            assertTrue(duplicate.getCreated());
            assertTrue(duplicate.getCanceled());
            assertEquals(-1, duplicate.getWatchId());
            assertEquals("mvcc: duplicate watch ID provided on the WatchStream", duplicate.getCancelReason());

            stream.create(WatchCreateRequest.newBuilder().setKey(utf8("wid/k")));
            assertEquals(0, stream.next().getWatchId(), "automatic IDs still start at 0");

            ctl.put("wid/k", "v");
            List<WatchResponse> events = byWatchId(List.of(stream.next(), stream.next()));
            assertEquals(List.of(0L, 7L), events.stream().map(WatchResponse::getWatchId).toList());
            stream.assertNothingWithin(QUIET);
        }
    }

    @Test
    void filtersPrevKvAndTransactions() {
        try (WatchStream stream = new WatchStream(channel)) {
            stream.create(prefix("wf/").addFilters(WatchCreateRequest.FilterType.NOPUT));
            assertEquals(0, stream.next().getWatchId());
            stream.create(prefix("wf/").addFilters(WatchCreateRequest.FilterType.NODELETE).setPrevKv(true));
            assertEquals(1, stream.next().getWatchId());

            long first = ctl.put("wf/a", "1");
            WatchResponse create = stream.next();
            assertEquals(1, create.getWatchId(), "no PUT for the NOPUT watcher");
            assertFalse(create.getEvents(0).hasPrevKv(), "a creation has no previous value");

            long second = ctl.put("wf/a", "2");
            WatchResponse update = stream.next();
            assertEquals(1, update.getWatchId());
            KeyValue prev = update.getEvents(0).getPrevKv();
            assertEquals("1", prev.getValue().toStringUtf8());
            assertEquals(first, prev.getModRevision());
            assertEquals(second, update.getEvents(0).getKv().getModRevision());

            ctl.ok("put", "wf/b", "3");
            stream.next();
            long deleted = revision(ctl.ok("del", "wf/", "--prefix", "-w", "json"));
            WatchResponse deletes = stream.next();
            assertEquals(0, deletes.getWatchId(), "no DELETE for the NODELETE watcher");
            assertEquals(2, deletes.getEventsCount(), "one response for the whole range delete");
            for (Event e : deletes.getEventsList()) {
                assertEquals(Event.EventType.DELETE, e.getType());
                assertEquals(deleted, e.getKv().getModRevision());
                assertEquals(0, e.getKv().getCreateRevision());
                assertEquals(0, e.getKv().getVersion());
                assertTrue(e.getKv().getValue().isEmpty());
                assertFalse(e.hasPrevKv(), "prev_kv only when asked for");
            }
            assertEquals(List.of("wf/a", "wf/b"),
                    deletes.getEventsList().stream().map(e -> e.getKv().getKey().toStringUtf8()).toList());
            stream.assertNothingWithin(QUIET);
        }
    }

    @Test
    void anEmptyKeyWithRangeEndZeroWatchesEveryKey() {
        try (WatchStream stream = new WatchStream(channel)) {
            stream.create(WatchCreateRequest.newBuilder().setKey(ByteString.EMPTY)
                    .setRangeEnd(ByteString.copyFrom(new byte[] {0})));
            stream.next();
            ctl.put("\u007fall", "x");
            ctl.put("!all", "y");
            assertEquals("\u007fall", stream.next().getEvents(0).getKv().getKey().toStringUtf8());
            assertEquals("!all", stream.next().getEvents(0).getKv().getKey().toStringUtf8());
        }
    }

    private static WatchCreateRequest.Builder prefix(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return WatchCreateRequest.newBuilder().setKey(utf8(prefix)).setRangeEnd(ByteString.copyFrom(end));
    }

    private static WatchCreateRequest.Builder withWatchId(WatchCreateRequest.Builder create, long id) {
        return create.setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(WATCH_ID_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(id).build()).build());
    }

    /** Responses of different watchers to one write come in no fixed order; this sorts them by watch ID. */
    private static List<WatchResponse> byWatchId(List<WatchResponse> responses) {
        List<WatchResponse> sorted = new ArrayList<>(responses);
        sorted.sort(Comparator.comparingLong(WatchResponse::getWatchId));
        return sorted;
    }

    private static ByteString utf8(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static long revision(String jsonOutput) {
        return Json.lng(Json.obj(Json.object(jsonOutput), "header"), "revision");
    }
}
