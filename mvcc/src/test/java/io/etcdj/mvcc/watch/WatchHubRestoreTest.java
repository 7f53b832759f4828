package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.assertNothingQueued;
import static io.etcdj.mvcc.watch.WatchFixture.await;
import static io.etcdj.mvcc.watch.WatchFixture.b;
import static io.etcdj.mvcc.watch.WatchFixture.created;
import static io.etcdj.mvcc.watch.WatchFixture.events;
import static io.etcdj.mvcc.watch.WatchFixture.next;
import static io.etcdj.mvcc.watch.WatchFixture.revisions;
import static io.etcdj.mvcc.watch.WatchFixture.watch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.mvcc.InMemoryBackend;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.WriteTxn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Watchers of a follower ("B") whose backend is replaced by the leader's ("A") and restored
 * ({@link MvccStore#finishRestore}): each goes on from its next revision with exactly the
 * restored history (nothing twice, nothing missed), or is canceled with the restored compaction
 * revision when that history is gone.
 */
class WatchHubRestoreTest {
    private final InMemoryBackend leaderBackend = InMemoryBackend.forStore();
    private MvccStore leader;
    /** The follower: every stream holds at most two event responses, so unpolled ones stall. */
    private final WatchFixture f = new WatchFixture(WatchFixture.options().withStreamBufferLength(2));

    @AfterEach
    void close() {
        f.close();
        if (leader != null) {
            leader.close();
        }
        assertEquals(0, f.backend.openViews(), "every read view was closed");
    }

    private static void put(WriteTxn txn, String key, String value) {
        txn.put(b(key), b(value), 0);
    }

    private void leaderWrite(java.util.function.Consumer<WriteTxn> changes) {
        try (WriteTxn txn = leader.beginWrite()) {
            changes.accept(txn);
            txn.end();
        }
    }

    /**
     * The leader at revision 40: puts of k0..k3 (2..21), a transaction putting {@code a} and
     * deleting k1 (22), a range delete of k2 and k3 (23), a compaction at {@code compactAt}, then
     * puts of k0..k2 and {@code a} (24..40).
     */
    private void leaderAt40(long compactAt) throws Exception {
        leader = MvccStore.open(leaderBackend);
        for (int i = 0; i < 20; i++) {
            String key = "k" + (i % 4);
            String value = "a" + i;
            leaderWrite(txn -> put(txn, key, value));
        }
        leaderWrite(txn -> {
            put(txn, "a", "1");
            txn.deleteRange(b("k1"), null, false);
        });
        leaderWrite(txn -> txn.deleteRange(b("k2"), b("k4"), false));
        leader.commit(90, 2);
        CompletableFuture<Void> compaction = leader.compact(compactAt);
        leader.commit(91, 2);
        compaction.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 17; i++) {
            String key = i % 4 == 3 ? "a" : "k" + (i % 3);
            String value = "c" + i;
            leaderWrite(txn -> put(txn, key, value));
        }
        leader.commit(100, 2);
        assertEquals(40, leader.currentRevision());
    }

    /** What the server does: replace the follower's backend contents with the leader's, then restore. */
    private void restoreFollower() throws IOException {
        f.store.beginRestore();
        f.backend.replaceWith(leaderBackend, 3);
        f.store.finishRestore();
    }

    private static WatchCreateRequest.Builder prefixK() {
        return watch("k").setRangeEnd(b("l"));
    }

    /** The follower's (restored) history of {@code [from, to]} that a watcher selecting {@code wanted} gets. */
    private List<Event> history(long from, long to, Predicate<Event> wanted) {
        return f.store.history(from, to).stream().filter(wanted).toList();
    }

    private static Predicate<Event> keyPrefix(String prefix) {
        return e -> e.getKv().getKey().toStringUtf8().startsWith(prefix);
    }

    private static Predicate<Event> key(String key) {
        return e -> e.getKv().getKey().toStringUtf8().equals(key);
    }

    /** What one stream delivered: watchers created, events per watcher, the compaction revision of each cancel. */
    private record Delivered(List<Long> created, Map<Long, List<Event>> events, Map<Long, Long> compacted) {
        List<Event> of(long id) {
            return events.getOrDefault(id, List.of());
        }
    }

    /**
     * Polls {@code stream} until each watcher in {@code counts} has that many events and each in
     * {@code canceled} its compaction cancel; fails on anything else (but created responses), or
     * on more.
     */
    private static Delivered drain(WatchStream stream, Map<Long, Integer> counts, List<Long> canceled) {
        List<Long> created = new ArrayList<>();
        Map<Long, List<Event>> events = new HashMap<>();
        Map<Long, Long> compacted = new HashMap<>();
        while (!done(events, counts, compacted, canceled)) {
            WatchResponse response = next(stream);
            long id = response.getWatchId();
            if (response.getCreated()) {
                assertFalse(response.getCanceled(), "refused: " + response);
                created.add(id);
            } else if (response.getCanceled()) {
                assertTrue(canceled.contains(id), "unexpected cancel " + response);
                assertFalse(compacted.containsKey(id), "canceled twice: " + response);
                compacted.put(id, response.getCompactRevision());
            } else {
                assertTrue(counts.containsKey(id) && response.getEventsCount() > 0, "unexpected " + response);
                assertFalse(compacted.containsKey(id), "events after the cancel: " + response);
                events.computeIfAbsent(id, k -> new ArrayList<>()).addAll(response.getEventsList());
                assertTrue(events.get(id).size() <= counts.get(id), "more events than expected for " + id + ": " + events.get(id));
            }
        }
        return new Delivered(created, events, compacted);
    }

    private static boolean done(Map<Long, List<Event>> events, Map<Long, Integer> counts,
                                Map<Long, Long> compacted, List<Long> canceled) {
        for (Map.Entry<Long, Integer> count : counts.entrySet()) {
            if (events.getOrDefault(count.getKey(), List.of()).size() < count.getValue()) {
                return false;
            }
        }
        return compacted.keySet().containsAll(canceled);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void watchersWhoseNextRevisionWasCompactedAreCanceledTheOthersGoOnFromTheRestoredHistory() throws Exception {
        leaderAt40(20);
        for (int i = 0; i < 10; i++) {
            f.put("k" + (i % 2), "b" + i);  // the follower's own, different history: 2..11
        }
        WatchStream polled = f.hub.openStream();
        long syncedBelow = created(polled, prefixK());                     // next 12: compacted away
        long syncedAtCompaction = created(polled, prefixK().setStartRevision(20));
        long deletesOnly = created(polled, prefixK().setStartRevision(21)
                .addFilters(WatchCreateRequest.FilterType.NOPUT));
        WatchStream stalled = f.hub.openStream();
        long stalledBelow = created(stalled, prefixK());                   // stalls at 14: compacted away
        long syncedOnStalled = created(stalled, watch("a").setStartRevision(30));
        for (int i = 0; i < 3; i++) {
            long revision = f.put("k0", "b-late" + i);
            assertEquals(List.of(revision), revisions(events(polled, syncedBelow, 1)));
        }
        assertEquals(1, f.hub.slowWatchers(), "the unpolled stream's watcher fell behind");

        restoreFollower();
        long after1 = f.put("k2", "after");
        long after2 = f.put("a", "after");

        assertEquals(List.of(41L, 42L), List.of(after1, after2));
        Delivered seen = drain(polled, Map.of(
                        syncedAtCompaction, history(20, 42, keyPrefix("k")).size(),
                        deletesOnly, history(21, 42, keyPrefix("k").and(e -> e.getType() == Event.EventType.DELETE)).size()),
                List.of(syncedBelow));
        assertEquals(20L, seen.compacted().get(syncedBelow));
        assertEquals(history(20, 42, keyPrefix("k")), seen.of(syncedAtCompaction));
        assertEquals(List.of(22L, 23L, 23L), revisions(seen.of(deletesOnly)));
        assertEquals(history(21, 42, keyPrefix("k").and(e -> e.getType() == Event.EventType.DELETE)), seen.of(deletesOnly));

        Delivered late = drain(stalled, Map.of(
                stalledBelow, 2,
                syncedOnStalled, history(30, 42, key("a")).size()), List.of(stalledBelow));
        assertEquals(List.of(12L, 13L), revisions(late.of(stalledBelow)), "the follower's events it held before");
        assertEquals(20L, late.compacted().get(stalledBelow));
        assertEquals(history(30, 42, key("a")), late.of(syncedOnStalled));
        assertEquals(List.of(31L, 35L, 39L, 42L), revisions(late.of(syncedOnStalled)));

        await("every watcher synced", () -> f.hub.slowWatchers() == 0);
        assertEquals(3, f.hub.watchers(), "the compacted ones are gone");
        assertNothingQueued(polled);
        assertNothingQueued(stalled);
    }

    @Test
    void slowAndSyncedWatchersCatchUpFromTheRestoredHistoryWithoutGapOrRepeat() throws Exception {
        leaderAt40(5);
        for (int i = 0; i < 10; i++) {
            f.put("k" + (i % 2), "b" + i);
        }
        WatchStream polled = f.hub.openStream();
        long synced = created(polled, prefixK());                          // next 12
        WatchStream stalled = f.hub.openStream();
        long slow = created(stalled, prefixK());                           // will stall at 14
        long syncedOnStalled = created(stalled, watch("a").setStartRevision(30));
        List<Event> beforeRestore = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            f.put("k1", "b-late" + i);
            beforeRestore.addAll(events(polled, synced, 1));
        }
        // Waits for room (its created response is queued behind the events): 3 is compacted in A.
        long pastStart = 7;
        stalled.handle(WatchFixture.create(prefixK().setStartRevision(3).setWatchId(pastStart)));

        restoreFollower();
        f.put("k0", "after");
        f.put("a", "after");

        Delivered seen = drain(polled, Map.of(synced, history(15, 42, keyPrefix("k")).size()), List.of());
        assertEquals(range(12, 14), revisions(beforeRestore));
        assertEquals(history(15, 42, keyPrefix("k")), seen.of(synced), "the leader's history from its next revision on");

        Delivered late = drain(stalled, Map.of(
                slow, 2 + history(14, 42, keyPrefix("k")).size(),
                syncedOnStalled, history(30, 42, key("a")).size()), List.of(pastStart));
        List<Event> slowEvents = late.of(slow);
        assertEquals(List.of(12L, 13L), revisions(slowEvents.subList(0, 2)), "what it held before the restore");
        assertEquals(history(14, 42, keyPrefix("k")), slowEvents.subList(2, slowEvents.size()),
                "then the leader's history from 14, where it stalled");
        assertEquals(history(30, 42, key("a")), late.of(syncedOnStalled));
        assertEquals(5L, late.compacted().get(pastStart));
        assertEquals(List.of(pastStart), late.created());

        await("every watcher synced", () -> f.hub.slowWatchers() == 0);
        f.put("k0", "last");
        assertEquals(List.of(43L), revisions(events(polled, synced, 1)));
        assertEquals(List.of(43L), revisions(events(stalled, slow, 1)));
        assertNothingQueued(polled);
        assertNothingQueued(stalled);
    }

    @Test
    void aRestoreToAnEarlierRevisionHandsOutNothingTwice() throws Exception {
        leader = MvccStore.open(leaderBackend);
        for (int i = 0; i < 14; i++) {
            String value = "a" + i;
            leaderWrite(txn -> put(txn, "k", value));           // 2..15
        }
        leader.commit(50, 2);
        for (int i = 0; i < 29; i++) {
            f.put("k", "b" + i);                                 // 2..30: ahead of the leader
        }
        WatchStream polled = f.hub.openStream();
        long synced = created(polled, watch("k"));               // next 31
        WatchStream stalled = f.hub.openStream();
        long filler = created(stalled, watch("f"));
        for (int i = 0; i < 3; i++) {
            f.put("f", "x" + i);                                 // 31..33; filler stalls at 33
        }
        // Their created responses wait behind the filler's events.
        long fromBefore = 7;
        long fromAfter = 8;
        stalled.handle(WatchFixture.create(watch("k").setStartRevision(10).setWatchId(fromBefore)));
        stalled.handle(WatchFixture.create(watch("k").setStartRevision(25).setWatchId(fromAfter)));
        assertEquals(3, f.hub.slowWatchers());

        restoreFollower();
        assertEquals(15, f.store.currentRevision());
        assertEquals(15, f.hub.notifiedRevision());
        assertEquals(1, f.hub.slowWatchers(), "only the watcher starting at 10 wants revisions the store holds");
        for (int i = 0; i < 20; i++) {
            f.put(i % 2 == 0 ? "k" : "f", "new" + i);           // 16..35
        }

        // It was handed everything up to 33 (the "f" revisions included): it goes on from 34.
        Delivered seen = drain(polled, Map.of(synced, 1), List.of());
        assertEquals(List.of(34L), revisions(seen.of(synced)));
        Delivered late = drain(stalled, Map.of(
                filler, 2 + history(33, 35, key("f")).size(),
                fromBefore, history(10, 35, key("k")).size(),
                fromAfter, history(25, 35, key("k")).size()), List.of());
        assertEquals(List.of(31L, 32L, 33L, 35L), revisions(late.of(filler)));
        assertEquals(history(10, 35, key("k")), late.of(fromBefore), "the leader's 10..15, then the new writes");
        assertEquals(List.of(26L, 28L, 30L, 32L, 34L), revisions(late.of(fromAfter)));
        assertEquals(List.of(fromBefore, fromAfter), late.created());
        await("every watcher synced", () -> f.hub.slowWatchers() == 0);
        assertNothingQueued(polled);
        assertNothingQueued(stalled);
    }
}
