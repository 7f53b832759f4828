package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.V2Answer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Request builders and answer checks shared by the V2Service tests. Keys are URL paths ("/foo" means store "/1/foo"). */
final class V2Fixtures {
    static final long RAFT_INDEX = 42;
    static final long RAFT_TERM = 7;

    private V2Fixtures() {
    }

    static V2Request.Builder req(String method, String key) {
        return V2Request.newBuilder().setMethod(method).setPath(V2Requests.keysPath(key));
    }

    static V2Request put(String key, String value) {
        return req("PUT", key).setVal(value).build();
    }

    static V2Request get(String key) {
        return req("GET", key).build();
    }

    static long unixNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static String body(V2Answer.Result r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Checks status, exact body (without its newline, which is checked too) and X-Etcd-Index. */
    static void assertAnswer(int status, String json, long etcdIndex, V2Answer answer) {
        V2Answer.Result r = assertInstanceOf(V2Answer.Result.class, answer);
        assertEquals(json + "\n", body(r));
        assertEquals(status, r.status(), "status");
        assertEquals(etcdIndex, r.etcdIndex(), "X-Etcd-Index");
        assertEquals(RAFT_INDEX, r.raftIndex());
        assertEquals(RAFT_TERM, r.raftTerm());
    }
}
