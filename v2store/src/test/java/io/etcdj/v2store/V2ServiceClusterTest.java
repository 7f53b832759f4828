package io.etcdj.v2store;

import static io.etcdj.v2store.V2Fixtures.RAFT_INDEX;
import static io.etcdj.v2store.V2Fixtures.RAFT_TERM;
import static io.etcdj.v2store.V2Fixtures.assertAnswer;
import static io.etcdj.v2store.V2Fixtures.get;
import static io.etcdj.v2store.V2Fixtures.put;
import static io.etcdj.v2store.V2Fixtures.req;
import static io.etcdj.v2store.V2Fixtures.unixNanos;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.V2Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Membership under /0 as etcd's membership package writes it, and snapshots of the whole store. */
class V2ServiceClusterTest {
    private static final long ID = 0x8e9e05c52164694dL;
    private static final String NO_EVENT = "{\"errorCode\":300,\"message\":\"Raft Internal Error\",\"cause\":"
            + "\"received response with no Event/Watcher\",\"index\":0}";

    private final TestClock clock = new TestClock();
    private final V2Service v2 = new V2Service(clock);

    private V2Answer.Result apply(V2Request r) {
        return v2.apply(r, RAFT_INDEX, RAFT_TERM);
    }

    private String raw(String storePath) {
        return v2.store().get(storePath, false, false).node().value();
    }

    @Test
    void membershipWritesAdvanceTheIndexAsInEtcd() {
        v2.cluster().addMember(ID, List.of("http://localhost:2380"), false);
        v2.cluster().setAttributes(ID, "default", List.of("http://localhost:2379"));
        v2.cluster().setClusterVersion("3.4.0");
        assertEquals(3, v2.index());
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,"
                + "\"createdIndex\":4}}", 4, apply(put("/foo", "bar")));

        assertEquals("{\"peerURLs\":[\"http://localhost:2380\"]}", raw("/0/members/8e9e05c52164694d/raftAttributes"));
        assertEquals("{\"name\":\"default\",\"clientURLs\":[\"http://localhost:2379\"]}",
                raw("/0/members/8e9e05c52164694d/attributes"));
        assertEquals("3.4.0", raw("/0/version"));
        assertEquals(List.of(new V2Member(ID, "default", List.of("http://localhost:2380"),
                List.of("http://localhost:2379"), false)), v2.cluster().members());
        assertEquals("3.4.0", v2.cluster().clusterVersion());
    }

    @Test
    void learnersPromotionAndRemoval() {
        v2.cluster().addMember(0x10, List.of("http://a:2380"), false);
        v2.cluster().addMember(0x2, List.of("http://b:2380"), true);
        assertEquals("{\"peerURLs\":[\"http://b:2380\"],\"isLearner\":true}", raw("/0/members/2/raftAttributes"));
        v2.cluster().updateRaftAttributes(0x2, List.of("http://b:2380", "http://b2:2380"), false);
        assertEquals("{\"peerURLs\":[\"http://b:2380\",\"http://b2:2380\"]}", raw("/0/members/2/raftAttributes"));
        assertEquals(List.of(new V2Member(0x2, "", List.of("http://b:2380", "http://b2:2380"), List.of(), false),
                new V2Member(0x10, "", List.of("http://a:2380"), List.of(), false)), v2.cluster().members());

        v2.cluster().removeMember(0x10);
        assertEquals(5, v2.index(), "delete and the removed_members record are two writes");
        assertEquals(List.of(0x10L), v2.cluster().removedMembers());
        assertEquals(1, v2.cluster().members().size());
        assertThrows(V2Error.class, () -> v2.cluster().addMember(0x2, List.of("http://c:2380"), false),
                "adding a member twice is a bug etcd panics on");
        assertNull(v2.cluster().clusterVersion());
    }

    @Test
    void publishedAttributesAndVersionThroughApply() {
        v2.cluster().addMember(0xabc, List.of("http://a:2380"), false);
        assertAnswer(500, NO_EVENT, 0, apply(V2Request.newBuilder().setMethod("PUT")
                .setPath("/0/members/ABC/attributes").setVal("{\"Name\":\"n1\",\"clientURLs\":[\"http://a:2379\"],\"x\":1}")
                .build()));
        assertEquals("{\"name\":\"n1\",\"clientURLs\":[\"http://a:2379\"]}", raw("/0/members/abc/attributes"),
                "decoded as Go does (any case, unknown fields ignored) and written back canonically");
        assertEquals(2, v2.index());

        apply(V2Request.newBuilder().setMethod("PUT").setPath("/0/members/def/attributes").setVal("{\"name\":\"x\"}").build());
        apply(V2Request.newBuilder().setMethod("PUT").setPath("/0/members/abc/attributes").setVal("not json").build());
        assertEquals(2, v2.index(), "unknown members and undecodable values change nothing");

        assertAnswer(500, NO_EVENT, 0, apply(V2Request.newBuilder().setMethod("PUT").setPath("/0/version")
                .setVal("3.4.0").build()));
        assertEquals("3.4.0", v2.cluster().clusterVersion());
    }

    @Test
    void userKeysShapedLikeMemberPathsAreOrdinaryKeys() {
        // etcd matches its member-attributes pattern anywhere in the path and panics here
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/x/0/members/1/attributes\",\"value\":\"{}\","
                + "\"modifiedIndex\":1,\"createdIndex\":1}}", 1, apply(put("/x/0/members/1/attributes", "{}")));
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/0/version\",\"value\":\"9\",\"modifiedIndex\":2,"
                + "\"createdIndex\":2}}", 2, apply(put("/0/version", "9")));
        assertNull(v2.cluster().clusterVersion());
    }

    @Test
    void saveAndRecoverRestoreKeysMembersHistoryAndTtls() {
        v2.cluster().addMember(ID, List.of("http://localhost:2380"), false);
        apply(put("/foo", "bar"));
        apply(req("POST", "/q").setVal("job").build());
        apply(req("PUT", "/t").setVal("v").setExpiration(unixNanos(clock.plus(Duration.ofSeconds(30)))).build());
        byte[] snapshot = v2.save();

        V2Service restored = new V2Service(clock);
        restored.recover(snapshot);
        assertArrayEquals(snapshot, restored.save());
        assertEquals(4, restored.index());
        assertTrue(restored.hasTtlKeys());
        assertEquals(v2.cluster().members(), restored.cluster().members());
        V2Request root = req("GET", "/").setRecursive(true).setSorted(true).build();
        assertEquals(new String(v2.read(root, 1, 1).body(), StandardCharsets.UTF_8),
                new String(restored.read(root, 1, 1).body(), StandardCharsets.UTF_8));
        // the history came along: a watch from index 2 is answered from it
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":2,"
                + "\"createdIndex\":2}}", 4,
                restored.watch(req("GET", "/foo").setWait(true).setSince(2).build(), RAFT_INDEX, RAFT_TERM));
        // and both expire alike afterwards
        V2Request sync = V2Requests.sync(1, clock.plus(Duration.ofSeconds(31)));
        apply(sync);
        restored.apply(sync, 1, 1);
        assertArrayEquals(v2.save(), restored.save());
        assertEquals(404, restored.read(get("/t"), 1, 1).status());

        assertThrows(IllegalArgumentException.class, () -> restored.recover("nope".getBytes(StandardCharsets.UTF_8)));
        assertEquals(5, restored.index(), "a bad snapshot leaves the store as it was");
    }
}
