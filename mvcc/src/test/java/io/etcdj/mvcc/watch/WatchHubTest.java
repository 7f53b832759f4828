package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.assertNothingQueued;
import static io.etcdj.mvcc.watch.WatchFixture.await;
import static io.etcdj.mvcc.watch.WatchFixture.b;
import static io.etcdj.mvcc.watch.WatchFixture.create;
import static io.etcdj.mvcc.watch.WatchFixture.created;
import static io.etcdj.mvcc.watch.WatchFixture.events;
import static io.etcdj.mvcc.watch.WatchFixture.next;
import static io.etcdj.mvcc.watch.WatchFixture.revisions;
import static io.etcdj.mvcc.watch.WatchFixture.watch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.etcdserverpb.WatchCancelRequest;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchProgressRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubTest {
    private WatchFixture f = new WatchFixture(WatchFixture.options());

    @AfterEach
    void close() {
        f.close();
        assertEquals(0, f.backend.openViews(), "every read view was closed");
    }

    private void restart(WatchOptions options) {
        f.close();
        f = new WatchFixture(options);
    }

    private static WatchRequest cancelRequest(long id) {
        return WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build();
    }

    private static WatchRequest progressRequest() {
        return WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build();
    }

    private static Event put(String key, String value, long create, long mod, long version) {
        return Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue.newBuilder().setKey(b(key)).setValue(b(value))
                .setCreateRevision(create).setModRevision(mod).setVersion(version)).build();
    }

    private static Event deleted(String key, long revision) {
        return Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(b(key)).setModRevision(revision)).build();
    }

    private static List<String> keys(List<Event> events) {
        return events.stream().map(e -> e.getKv().getKey().toStringUtf8()).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void aSyncedWatcherGetsEachRevisionOnlyOnceItIsCommitted() {
        WatchStream stream = f.hub.openStream();
        stream.handle(create(watch("a")));
        WatchResponse created = next(stream);
        assertTrue(created.getCreated());
        assertFalse(created.getCanceled());
        assertEquals(0, created.getWatchId(), "the first automatic ID is 0, as etcd");
        assertEquals(1, created.getHeader().getRevision());

        f.write(txn -> txn.put(b("a"), b("1"), 0));
        assertEquals(2, f.store.currentRevision());
        assertNothingQueued(stream);
        f.commit();
        WatchResponse first = stream.poll();
        assertEquals(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(2)).setWatchId(0)
                .addEvents(put("a", "1", 2, 2, 1)).build(), first, "queued by the commit itself");

        f.put("b", "other key");
        assertNothingQueued(stream);
        f.delete("a", null);
        WatchResponse second = stream.poll();
        assertEquals(List.of(deleted("a", 4)), second.getEventsList());
        assertEquals(4, second.getHeader().getRevision());
        assertEquals(4, f.hub.notifiedRevision());
    }

    @Test
    void revisionsCommittedTogetherArriveTogetherInOrder() {
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("k").setRangeEnd(b("l")));
        f.write(txn -> txn.put(b("k1"), b("a"), 0));
        f.write(txn -> txn.put(b("zz"), b("a"), 0));
        f.write(txn -> {
            txn.put(b("k2"), b("b"), 0);
            txn.put(b("k3"), b("c"), 0);
        });
        f.commit();
        WatchResponse response = stream.poll();
        assertEquals(id, response.getWatchId());
        assertEquals(4, response.getHeader().getRevision(), "the watcher has seen the store up to the batch's end");
        assertEquals(List.of(put("k1", "a", 2, 2, 1), put("k2", "b", 4, 4, 1), put("k3", "c", 4, 4, 1)),
                response.getEventsList());
        assertNothingQueued(stream);
    }

    @Test
    void startRevisionZeroMeansAfterTheCurrentRevisionEvenIfNotCommittedYet() {
        f.put("a", "1");
        f.write(txn -> txn.put(b("a"), b("2"), 0));
        WatchStream stream = f.hub.openStream();
        stream.handle(create(watch("a")));
        assertEquals(3, next(stream).getHeader().getRevision(), "the current revision, as etcd reports it");
        f.commit();
        assertNothingQueued(stream);
        f.put("a", "3");
        assertEquals(List.of(put("a", "3", 2, 4, 3)), stream.poll().getEventsList());
    }

    @Test
    void aFutureStartRevisionWaitsForIt() {
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("a").setStartRevision(4));
        f.put("a", "1");
        f.put("a", "2");
        assertNothingQueued(stream);
        f.put("a", "3");
        assertEquals(List.of(4L), revisions(events(stream, id, 1)));
    }

    @Test
    void aWatcherStartingInThePastReplaysHistoryThenFollowsLiveWrites() {
        for (int i = 0; i < 50; i++) {
            f.put(i % 2 == 0 ? "k" : "other", "v" + i);
        }
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("k").setStartRevision(10));
        List<Event> replayed = events(stream, id, 21);
        assertEquals(LongStream.rangeClosed(10, 51).filter(r -> r % 2 == 0).boxed().toList(), revisions(replayed));
        assertEquals(put("k", "v8", 2, 10, 5), replayed.get(0));
        await("the watcher to be synced", () -> f.hub.slowWatchers() == 0);
        f.put("k", "live");
        assertEquals(List.of(52L), revisions(events(stream, id, 1)));
        assertNothingQueued(stream);
    }

    @Test
    void catchUpInSmallChunksWhileWritesGoOnHasNoGapAndNoRepeat() {
        restart(WatchFixture.options().withMaxRevisionsPerResponse(7));
        for (int i = 0; i < 100; i++) {
            f.put("k", "v" + i);
        }
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("k").setStartRevision(2));
        List<Event> received = new ArrayList<>();
        int written = 100;
        while (received.size() < 150) {
            WatchResponse response = next(stream);
            assertEquals(id, response.getWatchId());
            List<Long> revs = revisions(response.getEventsList());
            assertTrue(revs.size() <= 7, "at most 7 revisions per response: " + revs);
            assertTrue(response.getHeader().getRevision() >= revs.get(revs.size() - 1));
            received.addAll(response.getEventsList());
            if (written < 150) {
                f.put("k", "v" + written++);  // writes interleave with the catch-up
            }
        }
        assertEquals(range(2, 151), revisions(received));
        await("the watcher to be synced", () -> f.hub.slowWatchers() == 0);
        assertNothingQueued(stream);
    }

    @Test
    void prefixRangeFromKeyAndAllKeysWatchers() {
        WatchStream stream = f.hub.openStream();
        long prefix = created(stream, watch("foo").setRangeEnd(b("fop")));
        long range = created(stream, watch("b").setRangeEnd(b("d")));
        long fromKey = created(stream, watch("m").setRangeEnd(ByteString.copyFrom(new byte[] {0})));
        long all = created(stream, WatchCreateRequest.newBuilder().setRangeEnd(ByteString.copyFrom(new byte[] {0})));
        long nul = created(stream, WatchCreateRequest.newBuilder());
        List<String> written = List.of("a", "b", "c", "d", "foo", "foo/bar", "fop", "m", "z", "\0");
        f.write(txn -> written.forEach(k -> txn.put(b(k), b("v"), 0)));
        f.commit();
        Map<Long, List<String>> byWatcher = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            WatchResponse response = next(stream);
            assertNull(byWatcher.put(response.getWatchId(), keys(response.getEventsList())), "one response each");
        }
        assertEquals(Map.of(prefix, List.of("foo", "foo/bar"), range, List.of("b", "c"), fromKey, List.of("m", "z"),
                all, written, nul, List.of("\0")), byWatcher);
        assertNothingQueued(stream);
    }

    @Test
    void emptyAndBackwardRangesAreRefusedAsEtcdDoes() {
        WatchStream stream = f.hub.openStream();
        stream.handle(create(watch("b").setRangeEnd(b("a"))));
        WatchResponse refused = next(stream);
        assertEquals(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(1))
                .setWatchId(-1).setCreated(true).setCanceled(true).setCancelReason("mvcc: watcher range is empty").build(), refused);
        stream.handle(create(watch("b").setRangeEnd(b("b"))));
        assertEquals("mvcc: watcher range is empty", next(stream).getCancelReason());
        assertEquals(0, f.hub.watchers());
        assertEquals(0, created(stream, watch("a")), "no ID was used up");
    }

    @Test
    void clientChosenIdsAutomaticIdsAndDuplicates() {
        WatchStream stream = f.hub.openStream();
        assertEquals(1, created(stream, watch("a").setWatchId(1)));
        assertEquals(0, created(stream, watch("a")));
        assertEquals(2, created(stream, watch("a")), "automatic IDs skip taken ones");
        stream.handle(create(watch("b").setWatchId(2)));
        WatchResponse duplicate = next(stream);
        assertEquals(-1, duplicate.getWatchId());
        assertTrue(duplicate.getCreated() && duplicate.getCanceled());
        assertEquals("mvcc: duplicate watch ID provided on the WatchStream", duplicate.getCancelReason());
        assertEquals(7, created(f.hub.openStream(), watch("a").setWatchId(7)), "IDs are per stream");
        assertEquals(2, created(f.hub.openStream(), watch("a").setWatchId(2)));
        assertEquals(5, f.hub.watchers());
    }

    @Test
    void cancelStopsEventsAndFreesTheId() {
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("a").setWatchId(4));
        long other = created(stream, watch("a"));
        f.put("a", "1");
        assertEquals(id, next(stream).getWatchId());
        assertEquals(other, next(stream).getWatchId());
        stream.handle(cancelRequest(id));
        WatchResponse canceled = next(stream);
        assertEquals(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(2))
                .setWatchId(id).setCanceled(true).build(), canceled);
        f.put("a", "2");
        assertEquals(other, next(stream).getWatchId());
        assertNothingQueued(stream);
        stream.handle(cancelRequest(id));
        stream.handle(cancelRequest(99));
        assertNothingQueued(stream);
        assertEquals(id, created(stream, watch("a").setWatchId(id)), "the ID is free again");
    }

    @Test
    void cancelingAnUnsyncedWatcherStopsItsCatchUp() {
        restart(WatchFixture.options().withStreamBufferLength(1).withMaxRevisionsPerResponse(1));
        for (int i = 0; i < 20; i++) {
            f.put("a", "v" + i);
        }
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("a").setStartRevision(2));
        assertEquals(1, f.hub.slowWatchers());
        stream.cancel(id);
        assertEquals(0, f.hub.slowWatchers());
        assertEquals(0, f.hub.watchers());
        List<WatchResponse> rest = new ArrayList<>();
        for (WatchResponse r = next(stream); ; r = next(stream)) {
            rest.add(r);
            if (r.getCanceled()) {
                break;
            }
        }
        assertTrue(rest.size() <= 2, "at most the one buffered catch-up response before the cancel: " + rest);
        f.put("a", "after");
        assertNothingQueued(stream);
    }

    @Test
    void filtersDropPutsOrDeletesLiveAndFromHistory() {
        f.put("a", "1");
        f.delete("a", null);
        WatchStream stream = f.hub.openStream();
        long noPut = created(stream, watch("a").addFilters(WatchCreateRequest.FilterType.NOPUT).setStartRevision(1));
        assertEquals(List.of(deleted("a", 3)), events(stream, noPut, 1));
        long noDelete = created(stream, watch("a").addFilters(WatchCreateRequest.FilterType.NODELETE).setStartRevision(1));
        assertEquals(List.of(put("a", "1", 2, 2, 1)), events(stream, noDelete, 1));
        created(stream, watch("a").addFilters(WatchCreateRequest.FilterType.NOPUT)
                .addFilters(WatchCreateRequest.FilterType.NODELETE).setStartRevision(1));
        await("the watchers to be synced", () -> f.hub.slowWatchers() == 0);
        f.put("a", "2");
        assertEquals(List.of(put("a", "2", 4, 4, 1)), events(stream, noDelete, 1));
        f.delete("a", null);
        assertEquals(List.of(deleted("a", 5)), events(stream, noPut, 1));
        assertNothingQueued(stream);
    }

    @Test
    void prevKvCarriesTheVersionBeforeEachChangeButNotBeforeACreation() {
        WatchStream stream = f.hub.openStream();
        long live = created(stream, watch("a").setPrevKv(true));
        f.put("a", "1");
        f.put("a", "2");
        f.delete("a", null);
        List<Event> expected = List.of(
                put("a", "1", 2, 2, 1),
                put("a", "2", 2, 3, 2).toBuilder().setPrevKv(put("a", "1", 2, 2, 1).getKv()).build(),
                deleted("a", 4).toBuilder().setPrevKv(put("a", "2", 2, 3, 2).getKv()).build());
        assertEquals(expected, events(stream, live, 3));
        long replay = created(stream, watch("a").setPrevKv(true).setStartRevision(1));
        assertEquals(expected, events(stream, replay, 3), "the same from history");
        long plain = created(stream, watch("a").setStartRevision(3));
        assertFalse(events(stream, plain, 2).stream().anyMatch(Event::hasPrevKv));
    }

    @Test
    void prevKvIsLeftOutWhenThePreviousVersionWasCompacted() {
        f.put("a", "1");
        f.put("a", "2");
        f.put("a", "3");
        f.compact(3);
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("a").setPrevKv(true).setStartRevision(3));
        List<Event> events = events(stream, id, 2);
        assertFalse(events.get(0).hasPrevKv(), "revision 2 is compacted");
        assertEquals(put("a", "2", 2, 3, 2).getKv(), events.get(1).getPrevKv());
    }

    @Test
    void aWatcherStartingBelowTheCompactionIsCanceledWithTheCompactRevision() throws Exception {
        for (int i = 0; i < 9; i++) {
            f.put("a", "v" + i);
        }
        f.compact(6);
        f.store.compactionDone().get(60, java.util.concurrent.TimeUnit.SECONDS);
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("a").setStartRevision(3).setWatchId(5));
        WatchResponse canceled = next(stream);
        assertEquals(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(0))  // etcd leaves the revision unset here
                .setWatchId(id).setCompactRevision(6).setCanceled(true).build(), canceled);
        await("the watcher to be gone", () -> f.hub.watchers() == 0);
        stream.handle(create(watch("a").setWatchId(id)));
        assertEquals(-1, next(stream).getWatchId(), "its ID stays taken until canceled, as etcd");
        stream.cancel(id);
        assertTrue(next(stream).getCanceled());
        long fromCompaction = created(stream, watch("a").setStartRevision(6));
        assertEquals(range(6, 10), revisions(events(stream, fromCompaction, 5)), "the compaction revision itself is readable");
    }

    @Test
    void aProgressRequestAnswersAtOnceWhenEverythingIsSynced() {
        WatchStream stream = f.hub.openStream();
        stream.handle(progressRequest());
        assertEquals(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(1)).setWatchId(-1).build(),
                next(stream), "no watchers: nothing to wait for");
        long id = created(stream, watch("a"));
        f.put("a", "1");
        f.put("b", "1");
        stream.requestProgress();
        assertEquals(id, next(stream).getWatchId());
        WatchResponse progress = next(stream);
        assertEquals(-1, progress.getWatchId());
        assertEquals(3, progress.getHeader().getRevision());
        assertEquals(0, progress.getEventsCount());
    }

    @Test
    void aProgressRequestWaitsUntilEveryWatcherOfTheStreamCaughtUp() {
        restart(WatchFixture.options().withStreamBufferLength(1).withMaxRevisionsPerResponse(3));
        for (int i = 0; i < 30; i++) {
            f.put("a", "v" + i);
        }
        WatchStream stream = f.hub.openStream();
        long synced = created(stream, watch("b"));
        long behind = created(stream, watch("a").setStartRevision(2));
        stream.requestProgress();
        stream.requestProgress();
        f.put("b", "x");
        List<Event> before = new ArrayList<>();
        WatchResponse response;
        while ((response = next(stream)).getWatchId() != -1) {
            if (response.getWatchId() == behind) {
                before.addAll(response.getEventsList());
            } else {
                assertEquals(synced, response.getWatchId());
                assertEquals(List.of(32L), revisions(response.getEventsList()));
            }
        }
        assertEquals(32, response.getHeader().getRevision());
        assertEquals(range(2, 31), revisions(before), "every event up to the progress revision came first");
        assertNothingQueued(stream);
    }

    @Test
    void progressNotifyWatchersGetEmptyResponsesWhileIdle() {
        restart(WatchFixture.options().withProgressNotifyInterval(Duration.ofMillis(5)));
        f.put("a", "1");
        WatchStream notified = f.hub.openStream();
        long id = created(notified, watch("a").setProgressNotify(true));
        WatchStream quiet = f.hub.openStream();
        created(quiet, watch("a"));
        for (int i = 0; i < 2; i++) {
            assertEquals(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(2)).setWatchId(id).build(),
                    next(notified));
        }
        assertNothingQueued(quiet);
    }

    @Test
    void aStalledStreamNeverBlocksWritesAndThenCatchesUpWithoutGaps() {
        restart(WatchFixture.options().withStreamBufferLength(4).withMaxRevisionsPerResponse(50));
        WatchStream stalled = f.hub.openStream();
        long slowId = created(stalled, watch("k").setRangeEnd(b("l")));
        WatchStream healthy = f.hub.openStream();
        long fastId = created(healthy, watch("k").setRangeEnd(b("l")));
        for (int i = 0; i < 500; i++) {
            long revision = f.put("k" + (i % 7), "v" + i);
            WatchResponse live = healthy.poll();
            assertEquals(fastId, live.getWatchId(), "the healthy stream gets each write as it commits");
            assertEquals(List.of(revision), revisions(live.getEventsList()));
        }
        assertEquals(1, f.hub.slowWatchers(), "the stalled watcher fell behind; the writes all completed");
        List<Event> received = events(stalled, slowId, 500);
        assertEquals(range(2, 501), revisions(received));
        await("the stalled watcher to be synced again", () -> f.hub.slowWatchers() == 0);
        f.put("k0", "after");
        assertEquals(List.of(502L), revisions(events(stalled, slowId, 1)));
    }

    @Test
    void aStalledStreamWhoseHistoryWasCompactedIsCanceledWithTheCompactRevision() {
        restart(WatchFixture.options().withStreamBufferLength(2));
        WatchStream stalled = f.hub.openStream();
        long id = created(stalled, watch("k"));
        for (int i = 0; i < 50; i++) {
            f.put("k", "v" + i);
        }
        f.compact(40);
        List<Event> received = new ArrayList<>();
        WatchResponse response;
        while (!(response = next(stalled)).getCanceled()) {
            received.addAll(response.getEventsList());
        }
        assertEquals(List.of(2L, 3L), revisions(received), "what fit in the buffer before it stalled");
        assertEquals(id, response.getWatchId());
        assertEquals(40, response.getCompactRevision());
        await("the watcher to be gone", () -> f.hub.watchers() == 0);
        f.put("k", "after");
        assertNothingQueued(stalled);
    }

    @Test
    void fragmentingWatchersGetALargeRevisionInPiecesOthersInOne() {
        restart(WatchFixture.options().withMaxResponseBytes(1000));
        WatchStream stream = f.hub.openStream();
        long fragmented = created(stream, watch("k").setRangeEnd(b("l")).setFragment(true));
        long whole = created(stream, watch("k").setRangeEnd(b("l")));
        String big = "x".repeat(300);
        f.write(txn -> {
            for (int i = 0; i < 10; i++) {
                txn.put(b("k" + i), b(big), 0);
            }
        });
        f.commit();
        List<WatchResponse> pieces = new ArrayList<>();
        WatchResponse piece;
        do {
            piece = next(stream);
            assertEquals(fragmented, piece.getWatchId());
            pieces.add(piece);
        } while (piece.getFragment());
        assertTrue(pieces.size() >= 4, "about three events of 300 bytes per 1000-byte piece: " + pieces.size());
        for (WatchResponse p : pieces.subList(0, pieces.size() - 1)) {
            assertTrue(p.getSerializedSize() < 1000 || p.getEventsCount() == 1, "a piece stays under the limit");
        }
        assertEquals(10, pieces.stream().mapToInt(WatchResponse::getEventsCount).sum());
        WatchResponse one = next(stream);
        assertEquals(whole, one.getWatchId());
        assertEquals(10, one.getEventsCount(), "a revision's events are never split for other watchers");
        assertFalse(one.getFragment());
    }

    @Test
    void aLargeCatchUpIsSplitBetweenRevisionsForWatchersThatDoNotFragment() {
        restart(WatchFixture.options().withMaxResponseBytes(1000));
        String big = "x".repeat(200);
        for (int i = 0; i < 10; i++) {
            f.write(txn -> {
                txn.put(b("a"), b(big), 0);
                txn.put(b("b"), b(big), 0);
            });
            f.commit();
        }
        WatchStream stream = f.hub.openStream();
        long id = created(stream, watch("a").setRangeEnd(b("c")).setStartRevision(1));
        List<Event> received = new ArrayList<>();
        int responses = 0;
        while (received.size() < 20) {
            WatchResponse response = next(stream);
            assertEquals(id, response.getWatchId());
            assertFalse(response.getFragment());
            assertEquals(0, response.getEventsCount() % 2, "both events of a revision together");
            received.addAll(response.getEventsList());
            responses++;
        }
        assertTrue(responses > 1, "split");
        assertEquals(List.of(2L, 2L, 3L, 3L, 4L, 4L, 5L, 5L, 6L, 6L, 7L, 7L, 8L, 8L, 9L, 9L, 10L, 10L, 11L, 11L),
                revisions(received));
    }

    @Test
    void headersComeFromTheServersHook() {
        restart(WatchFixture.options().withHeaders(revision -> ResponseHeader.newBuilder()
                .setClusterId(7).setMemberId(9).setRaftTerm(3).setRevision(revision).build()));
        WatchStream stream = f.hub.openStream();
        created(stream, watch("a"));
        f.put("a", "1");
        assertEquals(ResponseHeader.newBuilder().setClusterId(7).setMemberId(9).setRaftTerm(3).setRevision(2).build(),
                next(stream).getHeader());
    }

    @Test
    void theListenerHearsWhenResponsesWait() {
        WatchStream stream = f.hub.openStream();
        AtomicInteger calls = new AtomicInteger();
        stream.setListener(calls::incrementAndGet);
        assertEquals(0, calls.get(), "nothing waits yet");
        stream.handle(create(watch("a")));
        assertEquals(1, calls.get());
        next(stream);
        f.put("a", "1");
        assertEquals(2, calls.get());
        f.put("b", "1");
        assertEquals(2, calls.get(), "not for other keys");
    }

    @Test
    void acceptingRequestsFollowsTheControlBacklog() {
        restart(WatchFixture.options().withControlBufferLength(2));
        WatchStream stream = f.hub.openStream();
        stream.handle(create(watch("a")));
        assertTrue(stream.acceptingRequests());
        stream.handle(create(watch("b")));
        assertFalse(stream.acceptingRequests());
        stream.handle(create(watch("c")));
        assertEquals(3, f.hub.watchers(), "requests are still served");
        next(stream);
        next(stream);
        assertTrue(stream.acceptingRequests());
    }

    @Test
    void closingAStreamRemovesItsWatchersAndDropsItsResponses() {
        restart(WatchFixture.options().withStreamBufferLength(1));
        f.put("a", "1");
        f.put("a", "2");
        WatchStream stream = f.hub.openStream();
        created(stream, watch("a"));
        created(stream, watch("a").setStartRevision(1));
        f.put("a", "3");
        stream.close();
        assertTrue(stream.isClosed());
        assertEquals(0, f.hub.watchers());
        assertEquals(0, f.hub.slowWatchers());
        assertNull(stream.poll());
        stream.handle(create(watch("a")));
        assertNull(stream.poll());
        assertEquals(0, f.hub.watchers());
        f.put("a", "4");
    }

    @Test
    void aClosedHubDetachesFromTheStore() {
        WatchStream stream = f.hub.openStream();
        created(stream, watch("a"));
        f.hub.close();
        assertTrue(stream.isClosed());
        assertThrows(IllegalStateException.class, () -> f.hub.openStream());
        f.put("a", "1");
        assertNull(stream.poll());
    }
}
