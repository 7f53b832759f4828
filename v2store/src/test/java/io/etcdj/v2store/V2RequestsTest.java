package io.etcdj.v2store;

import static io.etcdj.v2store.V2Fixtures.RAFT_INDEX;
import static io.etcdj.v2store.V2Fixtures.RAFT_TERM;
import static io.etcdj.v2store.V2Fixtures.body;
import static io.etcdj.v2store.V2Fixtures.put;
import static io.etcdj.v2store.V2Fixtures.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.V2Answer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Routing, proposal and SYNC building, key paths, and noValueOnSuccess. */
class V2RequestsTest {
    @Test
    void routesAsEtcdsHandle() {
        for (String m : new String[] {"POST", "PUT", "DELETE", "QGET", "SYNC"}) {
            assertEquals(V2Requests.Route.PROPOSE, V2Requests.route(req(m, "/k").build()), m);
        }
        assertEquals(V2Requests.Route.READ, V2Requests.route(req("GET", "/k").build()));
        assertEquals(V2Requests.Route.READ, V2Requests.route(req("HEAD", "/k").build()));
        assertEquals(V2Requests.Route.READ, V2Requests.route(req("PATCH", "/k").build()));
        assertEquals(V2Requests.Route.WATCH, V2Requests.route(req("GET", "/k").setWait(true).build()));
        assertEquals(V2Requests.Route.PROPOSE, V2Requests.route(req("GET", "/k").setQuorum(true).setWait(true).build()));
    }

    @Test
    void onlyQuorumGetsAreRenamedForProposal() {
        V2Request q = V2Requests.forProposal(req("GET", "/k").setQuorum(true).setID(5).build());
        assertEquals("QGET", q.getMethod());
        assertEquals(5, q.getID());
        V2Request p = put("/k", "v");
        assertSame(p, V2Requests.forProposal(p));
    }

    @Test
    void keysPathJoinsUnderTheUserNamespace() {
        assertEquals("/1", V2Requests.keysPath(""));
        assertEquals("/1", V2Requests.keysPath("/"));
        assertEquals("/1/foo/bar", V2Requests.keysPath("/foo//bar/"));
    }

    @Test
    void syncRequestCarriesTheTimeInUnixNanos() {
        V2Request s = V2Requests.sync(77, Instant.parse("2024-01-01T00:00:00.123456789Z"));
        assertEquals("SYNC", s.getMethod());
        assertEquals(77, s.getID());
        assertEquals(1_704_067_200_123_456_789L, s.getTime());
        assertEquals(V2Requests.Route.PROPOSE, V2Requests.route(s));
        assertThrows(ArithmeticException.class, () -> V2Requests.sync(1, Instant.parse("3000-01-01T00:00:00Z")));
    }

    @Test
    void withoutNodesStripsSuccessfulWritesOnly() {
        V2Service v2 = new V2Service(new TestClock());
        V2Answer.Result created = v2.apply(put("/k", "v"), RAFT_INDEX, RAFT_TERM);
        V2Answer.Result stripped = V2Answers.withoutNodes(created);
        assertEquals("{\"action\":\"set\"}\n", body(stripped));
        assertEquals(201, stripped.status());
        assertEquals(1, stripped.etcdIndex());
        assertEquals(RAFT_TERM, stripped.raftTerm());
        assertEquals("{\"action\":\"compareAndSwap\"}\n", body(V2Answers.withoutNodes(
                v2.apply(req("PUT", "/k").setVal("w").setPrevValue("v").build(), 1, 1))));
        assertEquals("{\"action\":\"update\"}\n", body(V2Answers.withoutNodes(
                v2.apply(req("PUT", "/k").setVal("x").setPrevExist(true).build(), 1, 1))));

        V2Answer.Result read = v2.read(req("GET", "/k").build(), 1, 1);
        assertSame(read, V2Answers.withoutNodes(read));
        V2Answer.Result deleted = v2.apply(req("DELETE", "/k").build(), 1, 1);
        assertSame(deleted, V2Answers.withoutNodes(deleted));
        V2Answer.Result error = v2.apply(req("DELETE", "/k").build(), 1, 1);
        assertEquals(404, error.status());
        assertSame(error, V2Answers.withoutNodes(error));
    }
}
