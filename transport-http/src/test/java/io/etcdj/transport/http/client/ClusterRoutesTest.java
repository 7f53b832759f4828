package io.etcdj.transport.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.AlarmMember;
import io.etcdj.api.etcdserverpb.AlarmType;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** /v2/members, /v2/machines, /v2/stats/*, /version, /health and /metrics, as etcd 3.4 answers them. */
class ClusterRoutesTest extends HttpFace {
    private static final String MEMBER = "{\"id\":\"bdae9bbc11dd390d\",\"name\":\"default\",\"peerURLs\":"
            + "[\"http://127.0.0.1:23801\"],\"clientURLs\":[\"http://127.0.0.1:23791\"]}";

    @Test
    void membersAreListedAsEtcd() throws IOException {
        RawHttp.Answer a = RawHttp.get(port, "/v2/members");
        assertEquals(200, a.status());
        assertEquals("{\"members\":[" + MEMBER + "]}\n", a.text());
        assertEquals("application/json", a.header("Content-Type"));
        assertEquals("d1cfaf999eb97a2a", a.header("X-Etcd-Cluster-Id"));
        assertEquals(MEMBER + "\n", RawHttp.get(port, "/v2/members/leader").text());
        assertEquals("{\"message\":\"Not found\"}", RawHttp.get(port, "/v2/members/other").text());
        etcd.leader = 0;
        RawHttp.Answer election = RawHttp.get(port, "/v2/members/leader");
        assertEquals(503, election.status());
        assertEquals("{\"message\":\"During election\"}", election.text());
    }

    @Test
    void addingAMemberChecksTheBodyAsEtcd() throws IOException {
        RawHttp.Answer form = RawHttp.form(port, "POST", "/v2/members", "{}");
        assertEquals(415, form.status());
        assertEquals("{\"message\":\"Bad Content-Type application/x-www-form-urlencoded, accept application/json\"}",
                form.text());
        assertEquals("{\"message\":\"URL scheme must be http, https, unix, or unixs: foo\"}",
                RawHttp.json(port, "/v2/members", "{\"peerURLs\":[\"foo\"]}").text());
        assertEquals("{\"message\":\"URL address does not have the form \\\"host:port\\\": http://h\"}",
                RawHttp.json(port, "/v2/members", "{\"peerURLs\":[\"http://h\"]}").text());
        assertEquals("{\"message\":\"URL must not contain a path: http://h:1/p\"}",
                RawHttp.json(port, "/v2/members", "{\"peerURLs\":[\"http://h:1/p\"]}").text());
        assertEquals("{\"message\":\"no valid URLs given\"}", RawHttp.json(port, "/v2/members", "{}").text());
        assertEquals(400, RawHttp.json(port, "/v2/members", "{bad").status());
        RawHttp.Answer taken = RawHttp.json(port, "/v2/members", "{\"peerURLs\":[\"http://127.0.0.1:23801\"]}");
        assertEquals(409, taken.status());
        assertEquals("{\"message\":\"membership: peerURL exists\"}", taken.text());

        RawHttp.Answer added = RawHttp.json(port, "/v2/members",
                "{\"peerURLs\":[\"http://10.0.0.2:2380\",\"http://10.0.0.1:2380\"]}");
        assertEquals(201, added.status());
        assertEquals("{\"id\":\"1234abcd\",\"name\":\"\",\"peerURLs\":[\"http://10.0.0.1:2380\",\"http://10.0.0.2:2380\"],"
                + "\"clientURLs\":[]}\n", added.text());
    }

    @Test
    void removingAMemberNamesItInHex() throws IOException {
        RawHttp.Answer noId = RawHttp.exchange(port, RawHttp.request("DELETE", "/v2/members", null));
        assertEquals(405, noId.status());
        assertEquals("Method Not Allowed\n", noId.text());
        assertEquals("{\"message\":\"No such member: zz\"}",
                RawHttp.exchange(port, RawHttp.request("DELETE", "/v2/members/zz", null)).text());
        assertEquals("{\"message\":\"No such member: 1234\"}",
                RawHttp.exchange(port, RawHttp.request("DELETE", "/v2/members/001234", null)).text());
        RawHttp.Answer removed = RawHttp.exchange(port, RawHttp.request("DELETE", "/v2/members/bdae9bbc11dd390d", null));
        assertEquals(204, removed.status());
        assertEquals(null, removed.header("Content-Length"));
        assertTrue(etcd.members.isEmpty());
        RawHttp.Answer patch = RawHttp.exchange(port, RawHttp.request("PATCH", "/v2/members/1", null));
        assertEquals("GET,POST,DELETE,PUT", patch.header("Allow"));
    }

    @Test
    void machinesAndStats() throws IOException {
        RawHttp.Answer machines = RawHttp.get(port, "/v2/machines");
        assertEquals("http://127.0.0.1:23791", machines.text());
        assertEquals("text/plain; charset=utf-8", machines.header("Content-Type"));
        RawHttp.Answer store = RawHttp.get(port, "/v2/stats/store");
        assertTrue(store.text().startsWith("{\"getsSuccess\":0,"), store.text());
        assertEquals("application/json", store.header("Content-Type"));
        assertEquals("{\"name\":\"default\"}", RawHttp.get(port, "/v2/stats/self").text());
        assertEquals("{\"leader\":\"bdae9bbc11dd390d\",\"followers\":{}}", RawHttp.get(port, "/v2/stats/leader").text());
        etcd.leader = 7;
        RawHttp.Answer follower = RawHttp.get(port, "/v2/stats/leader");
        assertEquals(403, follower.status());
        assertEquals("{\"message\":\"not current leader\"}", follower.text());
        RawHttp.Answer post = RawHttp.form(port, "POST", "/v2/stats/store", "");
        assertEquals(405, post.status());
        assertEquals("GET", post.header("Allow"));
    }

    @Test
    void versionAndMetrics() throws IOException {
        RawHttp.Answer v = RawHttp.get(port, "/version");
        assertEquals("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}", v.text());
        assertEquals("application/json", v.header("Content-Type"));
        assertEquals(405, RawHttp.form(port, "POST", "/version", "").status());
        RawHttp.Answer m = RawHttp.get(port, "/metrics");
        assertEquals("etcd_server_has_leader 1\n", m.text());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", m.header("Content-Type"));
    }

    @Test
    void healthFollowsEtcdsRules() throws IOException {
        RawHttp.Answer ok = RawHttp.get(port, "/health");
        assertEquals(200, ok.status());
        assertEquals("{\"health\":\"true\"}", ok.text());

        etcd.alarms.add(AlarmMember.newBuilder().setMemberID(FakeEtcd.MEMBER_ID).setAlarm(AlarmType.NOSPACE).build());
        RawHttp.Answer alarm = RawHttp.get(port, "/health");
        assertEquals(503, alarm.status());
        assertEquals("{\"health\":\"false\"}\n", alarm.text());
        assertEquals(200, RawHttp.get(port, "/health?exclude=NOSPACE").status());
        etcd.alarms.clear();

        etcd.leader = 0;
        assertEquals(503, RawHttp.get(port, "/health").status());
        etcd.leader = FakeEtcd.MEMBER_ID;

        etcd.v2Fails = true;
        assertEquals(503, RawHttp.get(port, "/health").status());
        etcd.v2Fails = false;
        assertEquals("QGET", etcd.v2Requests.get(etcd.v2Requests.size() - 1).getMethod());

        RawHttp.Answer post = RawHttp.form(port, "POST", "/health", "");
        assertEquals(405, post.status());
        assertEquals("GET", post.header("Allow"));
    }
}
