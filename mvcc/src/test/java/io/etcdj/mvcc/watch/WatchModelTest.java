package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.b;
import static io.etcdj.mvcc.watch.WatchFixture.create;
import static io.etcdj.mvcc.watch.WatchFixture.next;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.mvcc.InMemoryBackend;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.WriteTxn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Random writes, compactions, watchers (ranges, start revisions, filters, prev_kv), cancels,
 * progress requests and irregular polling over small stream buffers, checked against a model
 * built from the write history alone. Seeds are fixed; {@code -Dwatch.model.seed=N} runs one.
 *
 * <p>With restores, the watched store is a Raft follower: a leader store gets every write and
 * compaction, the follower the same ones except while it lags, and now and then the follower's
 * backend is replaced by the leader's and restored. Its watchers must then see the leader's
 * history, as if nothing had happened.
 */
class WatchModelTest {
    private static final List<String> KEYS = List.of("a", "b", "c", "p/1", "p/2", "p/3", "q", "z");
    private static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();
    private static final int STEPS = 800;

    /** What the test asked a watcher for, and what it received. */
    private static final class ModelWatcher {
        final long id;
        final ByteString key;
        final ByteString end;  // null: the key alone; empty: from the key on
        final long start;
        final boolean noPut;
        final boolean noDelete;
        final boolean prevKv;
        final List<Event> received = new ArrayList<>();
        boolean createdSeen;
        boolean cancelRequested;
        boolean ended;
        boolean cancelSeen;
        long compactRevision;

        ModelWatcher(long id, ByteString key, ByteString end, long start, boolean noPut, boolean noDelete, boolean prevKv) {
            this.id = id;
            this.key = key;
            this.end = end;
            this.start = start;
            this.noPut = noPut;
            this.noDelete = noDelete;
            this.prevKv = prevKv;
        }

        boolean watches(ByteString k) {
            if (end == null) {
                return k.equals(key);
            }
            return ORDER.compare(k, key) >= 0 && (end.isEmpty() || ORDER.compare(k, end) < 0);
        }

        /** The events it should get from {@code history}, up to and including {@code upTo}. */
        List<Event> expected(List<Event> history, long upTo) {
            Predicate<Event> wanted = e -> e.getKv().getModRevision() >= start && e.getKv().getModRevision() <= upTo
                    && watches(e.getKv().getKey())
                    && !(noPut && e.getType() == Event.EventType.PUT)
                    && !(noDelete && e.getType() == Event.EventType.DELETE);
            return history.stream().filter(wanted).toList();
        }
    }

    private static final class ModelStream {
        final WatchStream stream;
        final Map<Long, ModelWatcher> watchers = new LinkedHashMap<>();
        long nextId = 1;
        final List<String> log = new ArrayList<>();

        ModelStream(WatchStream stream) {
            this.stream = stream;
        }
    }

    @Test
    void watchersAgreeWithTheWriteHistory() {
        runSeeds(false);
    }

    @Test
    void watchersOfARestoredFollowerAgreeWithTheLeadersHistory() {
        runSeeds(true);
    }

    private void runSeeds(boolean restores) {
        String only = System.getProperty("watch.model.seed");
        if (only != null) {
            run(Long.parseLong(only), restores);
            return;
        }
        for (long seed = 1; seed <= 20; seed++) {
            run(seed, restores);
        }
    }

    private void run(long seed, boolean restores) {
        try {
            new Run(seed, restores).go();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + (restores ? " with restores" : "") + " (rerun with -Dwatch.model.seed="
                    + seed + "): " + e.getMessage(), e);
        }
    }

    private static final class Run {
        private final Random random;
        private final WatchFixture f;
        private final List<ModelStream> streams = new ArrayList<>();
        /** Every committed or pending event, in revision order (the writer's own report; the leader's with restores). */
        private final List<Event> history = new ArrayList<>();
        private boolean uncommitted;
        private final List<Long> compactions = new ArrayList<>();
        /** With restores: the leader's backend and store, which get every write; else null. */
        private final InMemoryBackend leaderBackend;
        private final MvccStore leader;
        private long leaderIndex;
        /** Whether the follower misses the writes and compactions for now (until the next restore). */
        private boolean lagging;

        Run(long seed, boolean restores) {
            random = new Random(seed);
            leaderBackend = restores ? InMemoryBackend.forStore() : null;
            leader = restores ? MvccStore.open(leaderBackend) : null;
            f = new WatchFixture(WatchFixture.options()
                    .withStreamBufferLength(1 + random.nextInt(4))
                    .withMaxRevisionsPerResponse(1 + random.nextInt(20))
                    .withMaxWatchersPerSync(1 + random.nextInt(8)));
            for (int i = 0; i < 3; i++) {
                streams.add(new ModelStream(f.hub.openStream()));
            }
        }

        void go() {
            try {
                for (int step = 0; step < STEPS; step++) {
                    step();
                }
                commitIfNeeded();
                finish();
            } finally {
                f.close();
                if (leader != null) {
                    leader.close();
                }
            }
        }

        private void step() {
            int dice = random.nextInt(100);
            if (dice < 40) {
                write();
            } else if (dice < 55) {
                createWatcher(streams.get(random.nextInt(streams.size())));
            } else if (dice < 60) {
                cancelWatcher(streams.get(random.nextInt(streams.size())));
            } else if (dice < 63) {
                compact();
            } else if (dice < 66 && leader != null) {
                if (lagging || random.nextBoolean()) {
                    restore();
                } else {
                    lagging = true;
                }
            } else if (dice < 68) {
                streams.get(random.nextInt(streams.size())).stream.requestProgress();
            } else {
                // Irregular consumers: a stream is often left alone for a while.
                ModelStream s = streams.get(random.nextInt(streams.size()));
                int polls = random.nextInt(6);
                for (int i = 0; i < polls; i++) {
                    WatchResponse response = s.stream.poll();
                    if (response == null) {
                        break;
                    }
                    check(s, response);
                }
            }
        }

        private void write() {
            // Only transactions etcd accepts: no key changed twice in one (KvRequests refuses a put
            // and a delete of the same key, and so a key has one event per revision).
            boolean deletePrefix = random.nextInt(10) == 0;
            List<String> keys = new ArrayList<>(KEYS.stream().filter(k -> !deletePrefix || !k.startsWith("p/")).toList());
            java.util.Collections.shuffle(keys, random);
            int ops = 1 + random.nextInt(3);
            List<Integer> values = new ArrayList<>();  // -1: delete
            for (int i = 0; i < ops; i++) {
                values.add(random.nextInt(4) == 0 ? -1 : random.nextInt(1000));
            }
            java.util.function.Consumer<WriteTxn> changes = txn -> {
                for (int i = 0; i < ops; i++) {
                    String key = keys.get(i);
                    if (values.get(i) < 0) {
                        txn.deleteRange(b(key), null, false);
                    } else {
                        txn.put(b(key), b("v" + values.get(i)), 0);
                    }
                }
                if (deletePrefix) {
                    txn.deleteRange(b("p/"), b("p0"), false);
                }
            };
            if (leader != null) {
                try (WriteTxn txn = leader.beginWrite()) {
                    changes.accept(txn);
                    history.addAll(txn.end());
                }
            }
            if (!lagging) {
                List<Event> events = f.write(changes);
                if (leader == null) {
                    history.addAll(events);
                }
                uncommitted = true;
            }
            if (random.nextInt(3) != 0) {
                commitIfNeeded();
            }
        }

        private void commitIfNeeded() {
            if (uncommitted) {
                f.commit();
                uncommitted = false;
            }
            if (leader != null) {
                try {
                    leader.commit(++leaderIndex, 1);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        /** A compaction of the follower and the leader alike, or of the leader alone while the follower lags. */
        private void compact() {
            commitIfNeeded();
            MvccStore source = leader != null ? leader : f.store;
            long current = source.currentRevision();
            long lowest = Math.max(source.compactRevision() + 1, 2);
            if (current < lowest) {
                return;
            }
            long at = lowest + random.nextInt((int) (current - lowest + 1));
            compactions.add(at);
            if (leader != null) {
                leader.compact(at);
                commitIfNeeded();
            }
            if (!lagging) {
                f.compact(at);
            }
        }

        /** What the server does with a snapshot from the leader. */
        private void restore() {
            commitIfNeeded();
            f.store.beginRestore();
            try {
                f.backend.replaceWith(leaderBackend, 1 + random.nextInt(8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            f.store.finishRestore();
            lagging = false;
        }

        private void createWatcher(ModelStream s) {
            ByteString nul = ByteString.copyFrom(new byte[] {0});
            // The request's key and range end, and what they mean (the model's own reading).
            ByteString requestKey;
            ByteString requestEnd;
            ByteString key;
            ByteString end;
            switch (random.nextInt(5)) {
                case 0 -> {
                    requestKey = key = b(KEYS.get(random.nextInt(KEYS.size())));
                    requestEnd = ByteString.EMPTY;
                    end = null;
                }
                case 1 -> {
                    requestKey = key = b("p/");
                    requestEnd = end = b("p0");
                }
                case 2 -> {
                    requestKey = key = b("b");
                    requestEnd = end = b("q");
                }
                case 3 -> {
                    requestKey = key = b("c");
                    requestEnd = nul;
                    end = ByteString.EMPTY;
                }
                default -> {
                    requestKey = ByteString.EMPTY;
                    key = nul;
                    requestEnd = nul;
                    end = ByteString.EMPTY;
                }
            }
            WatchCreateRequest.Builder request = WatchCreateRequest.newBuilder()
                    .setWatchId(s.nextId++).setKey(requestKey).setRangeEnd(requestEnd);
            long current = f.store.currentRevision();
            long startRequested = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt((int) current + 2);
            request.setStartRevision(startRequested);
            boolean noPut = random.nextInt(6) == 0;
            boolean noDelete = !noPut && random.nextInt(6) == 0;
            if (noPut) {
                request.addFilters(WatchCreateRequest.FilterType.NOPUT);
            }
            if (noDelete) {
                request.addFilters(WatchCreateRequest.FilterType.NODELETE);
            }
            boolean prevKv = random.nextInt(3) == 0;
            request.setPrevKv(prevKv);
            ModelWatcher w = new ModelWatcher(request.getWatchId(), key, end,
                    startRequested == 0 ? current + 1 : startRequested, noPut, noDelete, prevKv);
            s.watchers.put(w.id, w);
            s.stream.handle(create(request));
        }

        private void cancelWatcher(ModelStream s) {
            List<ModelWatcher> live = s.watchers.values().stream().filter(w -> !w.cancelRequested && !w.ended).toList();
            if (live.isEmpty()) {
                return;
            }
            ModelWatcher w = live.get(random.nextInt(live.size()));
            w.cancelRequested = true;
            s.stream.cancel(w.id);
        }

        /** Checks one response against the model, in stream order. */
        private void check(ModelStream s, WatchResponse r) {
            s.log.add(r.getWatchId() + (r.getCreated() ? " created" : "") + (r.getCanceled() ? " canceled" : "") + (r.getCompactRevision() != 0 ? " compact=" + r.getCompactRevision() : "")
                    + " h=" + r.getHeader().getRevision() + " " + revs(r.getEventsList()));
            if (r.getWatchId() == WatchStream.INVALID_WATCH_ID) {
                if (r.getCreated() || r.getCanceled() || r.getEventsCount() > 0) {
                    fail("unexpected " + r);
                }
                long revision = r.getHeader().getRevision();
                for (ModelWatcher w : s.watchers.values()) {
                    if (w.createdSeen && !w.ended) {
                        List<Event> expected = w.expected(history, revision);
                        if (!received(w).equals(strip(expected, w))) {
                            fail(recent(s) + "\nprogress at " + revision + " before watcher " + w.id + " got every event up to it: expected "
                                    + revs(expected) + ", got " + revs(w.received));
                        }
                    }
                }
                return;
            }
            ModelWatcher w = s.watchers.get(r.getWatchId());
            if (w == null) {
                fail("response for an unknown watcher " + r);
            }
            if (r.getCreated()) {
                if (w.createdSeen || r.getCanceled()) {
                    fail("unexpected " + r);
                }
                w.createdSeen = true;
                return;
            }
            if (w.ended && w.compactRevision != 0 && w.cancelRequested && !w.cancelSeen
                    && r.getCanceled() && r.getCompactRevision() == 0 && r.getEventsCount() == 0) {
                w.cancelSeen = true;  // canceled by the client before it read the compaction cancel; etcd answers both
                return;
            }
            if (!w.createdSeen || w.ended) {
                fail("response outside the watcher's life: " + r);
            }
            if (r.getCanceled()) {
                w.ended = true;
                if (r.getCompactRevision() != 0) {
                    w.compactRevision = r.getCompactRevision();
                } else if (!w.cancelRequested) {
                    fail("canceled without being asked: " + r);
                } else {
                    w.cancelSeen = true;
                }
                return;
            }
            if (r.getEventsCount() == 0) {
                fail("an empty response without a progress request: " + r);
            }
            long last = r.getEvents(r.getEventsCount() - 1).getKv().getModRevision();
            if (r.getHeader().getRevision() < last) {
                fail("header revision below its events: " + r);
            }
            w.received.addAll(r.getEventsList());
            List<Event> expected = strip(w.expected(history, Long.MAX_VALUE), w);
            List<Event> got = received(w);
            if (got.size() > expected.size() || !expected.subList(0, got.size()).equals(got)) {
                fail(recent(s) + "\ncompactions " + compactions + "\nwatcher " + w.id + " (start " + w.start + ") got "
                        + revs(got) + ", expected a prefix of " + revs(expected));
            }
            if (w.prevKv) {
                checkPrevKvs(w, r.getEventsList());
            }
        }

        /** The events without prev_kv, to compare with the history. */
        private static List<Event> received(ModelWatcher w) {
            return strip(w.received, w);
        }

        private static List<Event> strip(List<Event> events, ModelWatcher w) {
            return events.stream().map(e -> e.hasPrevKv() ? e.toBuilder().clearPrevKv().build() : e).toList();
        }

        private void checkPrevKvs(ModelWatcher w, List<Event> events) {
            for (Event e : events) {
                KeyValue expected = previous(e.getKv().getKey(), e.getKv().getModRevision());
                boolean creates = e.getType() == Event.EventType.PUT && e.getKv().getCreateRevision() == e.getKv().getModRevision();
                if (creates || expected == null) {
                    if (e.hasPrevKv()) {
                        fail("watcher " + w.id + ": a previous pair where there is none: " + e);
                    }
                } else if (e.hasPrevKv() ? !e.getPrevKv().equals(expected)
                        : e.getKv().getModRevision() - 1 >= f.store.compactRevision()) {
                    fail("watcher " + w.id + ": wrong previous pair " + e + ", expected " + expected);
                }
            }
        }

        /** The version of {@code key} alive at {@code revision - 1} per the history. */
        private KeyValue previous(ByteString key, long revision) {
            KeyValue alive = null;
            for (Event e : history) {
                if (e.getKv().getModRevision() >= revision) {
                    break;
                }
                if (e.getKv().getKey().equals(key)) {
                    alive = e.getType() == Event.EventType.PUT ? e.getKv() : null;
                }
            }
            return alive;
        }

        /** The stream's last responses, briefly, for failure messages. */
        private static String recent(ModelStream s) {
            return String.join("\n", s.log.subList(Math.max(0, s.log.size() - 40), s.log.size()));
        }

        private static List<Long> revs(List<Event> events) {
            return WatchFixture.revisions(events);
        }

        /** Drains every stream up to a progress response at the last revision, then checks completeness. */
        private void finish() {
            long last = f.store.currentRevision();
            for (ModelStream s : streams) {
                s.stream.requestProgress();
                while (true) {
                    WatchResponse r = next(s.stream);
                    check(s, r);
                    if (r.getWatchId() == WatchStream.INVALID_WATCH_ID && r.getHeader().getRevision() == last) {
                        break;
                    }
                }
                for (WatchResponse r = s.stream.poll(); r != null; r = s.stream.poll()) {
                    check(s, r);
                }
                for (ModelWatcher w : s.watchers.values()) {
                    List<Event> expected = strip(w.expected(history, last), w);
                    List<Event> got = received(w);
                    if (w.ended && w.compactRevision != 0) {
                        if (w.start >= w.compactRevision) {
                            fail("watcher " + w.id + " (start " + w.start + ") canceled at compaction " + w.compactRevision);
                        }
                        for (Event e : got) {
                            if (e.getKv().getModRevision() >= w.compactRevision) {
                                fail("watcher " + w.id + " got revision " + e.getKv().getModRevision()
                                        + " but was canceled at compaction " + w.compactRevision);
                            }
                        }
                    } else if (!w.cancelRequested && !got.equals(expected)) {
                        fail("watcher " + w.id + " (start " + w.start + ") got " + revs(got) + ", expected " + revs(expected));
                    }
                    if (!w.cancelRequested && !w.ended && !w.createdSeen) {
                        fail("watcher " + w.id + " was never created");
                    }
                }
            }
        }
    }
}
