package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.await;
import static io.etcdj.mvcc.watch.WatchFixture.b;
import static io.etcdj.mvcc.watch.WatchFixture.create;
import static io.etcdj.mvcc.watch.WatchFixture.watch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many watchers, consumers draining on their own threads while the test thread writes: every
 * watcher gets every event exactly once, in order, although most of them fall behind (a stream
 * buffers 128 responses) and catch up from history over and over.
 */
class WatchScaleTest {
    private static final int WRITES = 300;

    /** Checks, per watcher of a stream, that events come in revision order starting at revision 2, once each. */
    private static final class Checker {
        private final long[] nextRevision;
        private final AtomicLong events = new AtomicLong();
        private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        Checker(int watchers) {
            nextRevision = new long[watchers];
            java.util.Arrays.fill(nextRevision, 2);
        }

        /** Called by the one thread draining the stream. */
        void accept(WatchResponse response) {
            if (response.getCreated()) {
                return;
            }
            int id = (int) response.getWatchId();
            if (id < 0 || id >= nextRevision.length || response.getCanceled()) {
                problems.add("unexpected " + response);
                return;
            }
            for (Event event : response.getEventsList()) {
                long revision = event.getKv().getModRevision();
                if (revision != nextRevision[id]) {
                    problems.add("watcher " + id + ": expected revision " + nextRevision[id] + ", got " + revision);
                }
                nextRevision[id] = revision + 1;
                events.incrementAndGet();
            }
        }
    }

    /** Drains streams round-robin on its own thread until stopped. */
    private static final class Drainer extends Thread {
        private final List<WatchStream> streams;
        private final List<Checker> checkers;
        private volatile boolean stopped;

        Drainer(List<WatchStream> streams, List<Checker> checkers) {
            super("test-drainer");
            this.streams = streams;
            this.checkers = checkers;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    boolean any = false;
                    for (int i = 0; i < streams.size(); i++) {
                        WatchResponse response;
                        while ((response = streams.get(i).poll()) != null) {
                            checkers.get(i).accept(response);
                            any = true;
                        }
                    }
                    if (!any && streams.size() == 1) {
                        WatchResponse waited = streams.get(0).poll(10, TimeUnit.MILLISECONDS);
                        if (waited != null) {
                            checkers.get(0).accept(waited);
                        }
                    } else if (!any) {
                        Thread.sleep(1);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void finish() throws InterruptedException {
            stopped = true;
            join();
        }
    }

    @Test
    void tenThousandWatchersOnOneStreamEachGetEveryEventInOrder() throws Exception {
        run(1, 10_000);
    }

    @Test
    void oneHundredStreamsOfOneHundredWatchersEachGetEveryEventInOrder() throws Exception {
        run(100, 100);
    }

    private static void run(int streamCount, int watchersPerStream) throws Exception {
        try (WatchFixture f = new WatchFixture(WatchFixture.options())) {
            List<WatchStream> streams = new ArrayList<>();
            List<Checker> checkers = new ArrayList<>();
            for (int s = 0; s < streamCount; s++) {
                WatchStream stream = f.hub.openStream();
                for (int w = 0; w < watchersPerStream; w++) {
                    // Alternately a single key and a prefix: both indexes of the watcher group.
                    stream.handle(create(w % 2 == 0 ? watch("k") : watch("k").setRangeEnd(b("l"))));
                }
                streams.add(stream);
                checkers.add(new Checker(watchersPerStream));
            }
            // Poll-based drainers: one thread per 25 streams.
            List<Drainer> drainers = new ArrayList<>();
            for (int from = 0; from < streamCount; from += 25) {
                int to = Math.min(streamCount, from + 25);
                drainers.add(new Drainer(streams.subList(from, to), checkers.subList(from, to)));
            }
            drainers.forEach(Thread::start);
            for (int i = 0; i < WRITES; i++) {
                f.put("k", "v" + i);
            }
            long expected = (long) WRITES * streamCount * watchersPerStream;
            await("every watcher to get every event",
                    () -> checkers.stream().mapToLong(c -> c.events.get()).sum() >= expected
                            || checkers.stream().anyMatch(c -> !c.problems.isEmpty()));
            for (Drainer drainer : drainers) {
                drainer.finish();
            }
            for (Checker checker : checkers) {
                assertTrue(checker.problems.isEmpty(), String.join("\n", checker.problems.stream().limit(10).toList()));
                for (long next : checker.nextRevision) {
                    assertEquals(WRITES + 2, next);
                }
            }
            assertEquals(expected, checkers.stream().mapToLong(c -> c.events.get()).sum(), "no event twice");
            assertEquals(0, f.hub.slowWatchers());
            assertEquals(streamCount * watchersPerStream, f.hub.watchers());
        }
    }
}
