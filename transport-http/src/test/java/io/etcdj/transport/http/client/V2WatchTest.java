package io.etcdj.transport.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** v2 watches: long polls and streams, answered as etcd's handleKeyWatch; client disconnects release them. */
class V2WatchTest extends HttpFace {
    @Test
    void aLongPollSendsItsHeadersAtOnceThenTheEventThenEnds() throws IOException {
        etcd.v2Set("/foo", "bar");
        try (RawHttp watch = new RawHttp(port)) {
            watch.send(RawHttp.request("GET", "/v2/keys/foo?wait=true", null));
            RawHttp.Answer head = watch.readHead();
            assertEquals("HTTP/1.1 200 OK", head.statusLine());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            assertEquals("1", head.header("X-Etcd-Index"));
            assertEquals("6", head.header("X-Raft-Index"));
            assertEquals("2", head.header("X-Raft-Term"));
            assertEquals("d1cfaf999eb97a2a", head.header("X-Etcd-Cluster-Id"));
            assertEquals(1, etcd.v2WatchesOpen.get());
            RawHttp.form(port, "PUT", "/v2/keys/foo", "value=1");
            RawHttp.Answer answer = watch.readBody(head, false);
            assertEquals(List.of("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"1\",\"modifiedIndex\":2,"
                    + "\"createdIndex\":2},\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                    + "\"createdIndex\":1}}\n"), answer.chunks());
            Await.until("the watch is released", () -> etcd.v2WatchesOpen.get() == 0);
            // The connection carries the next request.
            assertEquals(200, watch.exchange(RawHttp.request("GET", "/v2/keys/foo", null)).status());
        }
    }

    @Test
    void aStreamFlushesEachEvent() throws IOException {
        try (RawHttp watch = new RawHttp(port)) {
            watch.send(RawHttp.request("GET", "/v2/keys/dir?wait=true&stream=true&recursive=true", null));
            watch.readHead();
            RawHttp.form(port, "PUT", "/v2/keys/dir/a", "value=1");
            assertTrue(watch.readChunk().startsWith("{\"action\":\"set\",\"node\":{\"key\":\"/dir/a\",\"value\":\"1\""));
            RawHttp.form(port, "DELETE", "/v2/keys/dir/a", null);
            assertTrue(watch.readChunk().startsWith("{\"action\":\"delete\",\"node\":{\"key\":\"/dir/a\""));
        }
        Await.until("the stream is released", () -> etcd.v2WatchesOpen.get() == 0);
    }

    @Test
    void anEventFromTheHistoryIsAnsweredAtOnceChunked() throws IOException {
        etcd.v2Set("/foo", "a");
        etcd.v2Set("/foo", "b");
        RawHttp.Answer a = RawHttp.get(port, "/v2/keys/foo?wait=true&waitIndex=2");
        assertEquals(200, a.status());
        assertEquals("chunked", a.header("Transfer-Encoding"));
        assertTrue(a.text().startsWith("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"b\",\"modifiedIndex\":2"),
                a.text());
        assertEquals("2", a.header("X-Etcd-Index"));
    }

    @Test
    void aClientThatDisconnectsReleasesItsWatch() throws IOException {
        RawHttp watch = new RawHttp(port);
        watch.send(RawHttp.request("GET", "/v2/keys/foo?wait=true", null));
        watch.readHead();
        assertEquals(1, etcd.v2WatchesOpen.get());
        watch.close();
        Await.until("the watch is released", () -> etcd.v2WatchesOpen.get() == 0);
        // The store's own count agrees: the watcher was removed from its hub.
        assertEquals("0", watchersOf(new String(etcd.v2.storeStatsJson(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String watchersOf(String stats) {
        int i = stats.indexOf("\"watchers\":");
        return stats.substring(i + 11, stats.indexOf('}', i));
    }

    @Test
    void http10WatchesEndWithTheConnection() throws IOException {
        try (RawHttp watch = new RawHttp(port)) {
            watch.send("GET /v2/keys/foo?wait=true HTTP/1.0\r\n\r\n");
            RawHttp.Answer head = watch.readHead();
            assertEquals("HTTP/1.0 200 OK", head.statusLine());
            assertNull(head.header("Transfer-Encoding"));
            assertNull(head.header("Content-Length"));
            RawHttp.form(port, "PUT", "/v2/keys/foo", "value=1");
            String body = new String(watch.readRest());
            assertTrue(body.startsWith("{\"action\":\"set\"") && body.endsWith("}\n"), body);
        }
    }

    @Test
    void aThousandLongPollsAreHeldByVirtualThreadsInBoundedMemory() throws Exception {
        int watchers = 1000;
        int platformBefore = Thread.getAllStackTraces().size();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < watchers; i++) {
                RawHttp c = new RawHttp(port);
                open.add(c);
                c.send(RawHttp.request("GET", "/v2/keys/hot?wait=true", null));
            }
            for (RawHttp c : open) {
                assertEquals(200, c.readHead().status());
            }
            assertEquals(watchers, etcd.v2WatchesOpen.get());
            // Thread.getAllStackTraces lists platform threads only.
            // A waiting long poll holds no platform thread: their count does not grow with the watchers.
            int platformDuring = Thread.getAllStackTraces().size();
            assertTrue(platformDuring < platformBefore + 20,
                    "platform threads grew from " + platformBefore + " to " + platformDuring);
            System.gc();
            long heapDuring = rt.totalMemory() - rt.freeMemory();
            assertTrue(heapDuring - heapBefore < 64L << 20,
                    "heap grew by " + ((heapDuring - heapBefore) >> 20) + " MiB for " + watchers + " watchers");
            RawHttp.form(port, "PUT", "/v2/keys/hot", "value=now");
            for (RawHttp c : open) {
                String event = c.readChunk();
                assertTrue(event.startsWith("{\"action\":\"set\",\"node\":{\"key\":\"/hot\",\"value\":\"now\""), event);
                assertNull(c.readChunk());
            }
            Await.until("every watch is released", () -> etcd.v2WatchesOpen.get() == 0);
        } finally {
            for (RawHttp c : open) {
                c.close();
            }
        }
    }
}
