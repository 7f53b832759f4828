package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.V2Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 keys API on a real single member: writes through Raft with etcd's indexes (a fresh member's
 * first key is at index 4, after its member, attributes and cluster version, as with etcd 3.4),
 * local reads, a long-poll watch woken by a write, TTL expiry by the leader, and the v2 store
 * surviving a restart.
 */
class V2ServerTest {
    @TempDir
    Path dir;

    private static V2Answer.Result result(EtcdServer s, V2Request r) {
        return assertInstanceOf(V2Answer.Result.class, await(s.v2(r, RequestContext.NONE)));
    }

    private static String body(V2Answer.Result r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static V2Request put(String key, String value) {
        return V2Request.newBuilder().setMethod("PUT").setPath("/1" + key).setVal(value).build();
    }

    private static V2Request get(String key) {
        return V2Request.newBuilder().setMethod("GET").setPath("/1" + key).build();
    }

    @Test
    void keysApiWritesReadsWatchesExpiresAndRestarts() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks");
        try (EtcdServer s = Bootstrap.start(member.config()).server()) {
            await(s.publish("m1", List.of(member.clientUrl())));
            TestCluster.awaitTrue("cluster version set", () -> result(s, get("/x")).etcdIndex() >= 3);

            V2Answer.Result set = result(s, put("/foo", "bar"));
            assertEquals(201, set.status());
            assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,"
                    + "\"createdIndex\":4}}\n", body(set));
            assertEquals(4, set.etcdIndex());

            V2Answer.Result read = result(s, get("/foo"));
            assertEquals(200, read.status());
            assertEquals("{\"action\":\"get\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,"
                    + "\"createdIndex\":4}}\n", body(read));
            V2Answer.Result missing = result(s, get("/nope"));
            assertEquals(404, missing.status());
            assertEquals("{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/nope\",\"index\":4}\n", body(missing));

            // A long poll on /foo, woken by the next write to it.
            V2Answer.Watch watch = assertInstanceOf(V2Answer.Watch.class, await(s.v2(get("/foo").toBuilder()
                    .setWait(true).build(), RequestContext.NONE)));
            java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
            watch.setListener(woken::countDown);
            assertNull(watch.poll());
            result(s, put("/foo", "baz"));
            assertTrue(woken.await(TestMembers.WAIT_SECONDS, TimeUnit.SECONDS));
            String event = new String(watch.poll(), StandardCharsets.UTF_8);
            assertTrue(event.startsWith("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"baz\""), event);
            assertTrue(watch.isDone(), "a long poll ends after one event");

            // A key with a TTL of one second is expired by the leader's SYNC proposals.
            long expiration = (System.currentTimeMillis() + 1_000) * 1_000_000L;
            assertEquals(201, result(s, put("/ttl", "v").toBuilder().setExpiration(expiration).build()).status());
            TestCluster.awaitTrue("the TTL key expired", () -> result(s, get("/ttl")).status() == 404);
        }
        try (EtcdServer s = Bootstrap.start(member.config()).server()) {
            V2Answer.Result read = result(s, get("/foo"));
            assertEquals(200, read.status());
            assertTrue(body(read).contains("\"value\":\"baz\""), body(read));
            assertEquals(404, result(s, get("/ttl")).status(), "the expiry survived the restart");
        }
    }

    @Test
    void statsAndMetricsInEtcdsShape() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "lmdb");
        try (EtcdServer s = Bootstrap.start(member.config()).server()) {
            await(s.publish("m1", List.of(member.clientUrl())));
            TestMembers.put(s, "k", "v");
            String id = Long.toHexString(TestCluster.memberId(s));
            String self = new String(await(s.v2SelfStats(RequestContext.NONE)), StandardCharsets.UTF_8);
            assertTrue(self.matches("\\{\"name\":\"m1\",\"id\":\"" + id + "\",\"state\":\"StateLeader\","
                    + "\"startTime\":\"[0-9T:.Z-]+\",\"leaderInfo\":\\{\"leader\":\"" + id + "\",\"uptime\":\"[0-9.a-zµ]+\","
                    + "\"startTime\":\"[0-9T:.Z-]+\"\\},\"recvAppendRequestCnt\":0,\"sendAppendRequestCnt\":0\\}"), self);
            assertEquals("{\"leader\":\"" + id + "\",\"followers\":{}}",
                    new String(await(s.v2LeaderStats(RequestContext.NONE)), StandardCharsets.UTF_8));
            String metrics = new String(await(s.metrics(RequestContext.NONE)), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("\netcd_server_has_leader 1"), metrics);
            assertTrue(metrics.contains("\netcd_server_is_leader 1"), metrics);
            assertTrue(metrics.contains("# TYPE etcd_disk_wal_fsync_duration_seconds histogram"), metrics);
            assertTrue(metrics.matches("(?s).*\netcd_disk_wal_fsync_duration_seconds_count [1-9].*"), metrics);
            assertTrue(metrics.matches("(?s).*\netcd_disk_backend_commit_duration_seconds_count [1-9].*"), metrics);
            assertTrue(metrics.contains("etcd_server_leader_changes_seen_total 1"), metrics);
            assertEquals("3.4.23", s.serverVersion());
            assertEquals("3.4.0", s.clusterVersion());
        }
    }
}
