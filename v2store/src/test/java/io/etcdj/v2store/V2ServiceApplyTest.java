package io.etcdj.v2store;

import static io.etcdj.v2store.V2Fixtures.RAFT_INDEX;
import static io.etcdj.v2store.V2Fixtures.RAFT_TERM;
import static io.etcdj.v2store.V2Fixtures.assertAnswer;
import static io.etcdj.v2store.V2Fixtures.get;
import static io.etcdj.v2store.V2Fixtures.put;
import static io.etcdj.v2store.V2Fixtures.req;
import static io.etcdj.v2store.V2Fixtures.unixNanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.V2Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every path of etcd's applierV2 and local reads, with the status, body and X-Etcd-Index etcd 3.4 answers. */
class V2ServiceApplyTest {
    private final TestClock clock = new TestClock();
    private final V2Service v2 = new V2Service(clock);

    private V2Answer.Result apply(V2Request r) {
        return v2.apply(r, RAFT_INDEX, RAFT_TERM);
    }

    private V2Answer.Result read(V2Request r) {
        return v2.read(r, RAFT_INDEX, RAFT_TERM);
    }

    @Test
    void setCreatesWith201ThenReplacesWith200AndPrevNode() {
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 1, apply(put("/foo", "bar")));
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"baz\",\"modifiedIndex\":2,"
                + "\"createdIndex\":2},\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 2, apply(put("/foo", "baz")));
    }

    @Test
    void prevExistFalseCreatesOrFailsWithNodeExist() {
        V2Request create = req("PUT", "/foo").setVal("bar").setPrevExist(false).build();
        assertAnswer(201, "{\"action\":\"create\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 1, apply(create));
        assertAnswer(412, "{\"errorCode\":105,\"message\":\"Key already exists\",\"cause\":\"/foo\",\"index\":1}", 1,
                apply(create));
    }

    @Test
    void prevExistTrueUpdatesOrFailsWithKeyNotFound() {
        apply(put("/foo", "bar"));
        assertAnswer(200, "{\"action\":\"update\",\"node\":{\"key\":\"/foo\",\"value\":\"v2\",\"modifiedIndex\":2,"
                + "\"createdIndex\":1},\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 2, apply(req("PUT", "/foo").setVal("v2").setPrevExist(true).build()));
        assertAnswer(404, "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/missing\",\"index\":2}", 2,
                apply(req("PUT", "/missing").setVal("x").setPrevExist(true).build()));
    }

    @Test
    void compareAndSwapByValueIndexOrWithPrevExist() {
        apply(put("/foo", "bar"));
        assertAnswer(200, "{\"action\":\"compareAndSwap\",\"node\":{\"key\":\"/foo\",\"value\":\"b2\",\"modifiedIndex\":2,"
                + "\"createdIndex\":1},\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 2, apply(req("PUT", "/foo").setVal("b2").setPrevValue("bar").build()));
        assertAnswer(412, "{\"errorCode\":101,\"message\":\"Compare failed\",\"cause\":\"[wrong != b2]\",\"index\":2}", 2,
                apply(req("PUT", "/foo").setVal("x").setPrevValue("wrong").build()));
        assertAnswer(412, "{\"errorCode\":101,\"message\":\"Compare failed\",\"cause\":\"[5 != 2]\",\"index\":2}", 2,
                apply(req("PUT", "/foo").setVal("x").setPrevIndex(5).build()));
        assertAnswer(412, "{\"errorCode\":101,\"message\":\"Compare failed\",\"cause\":\"[no != b2] [5 != 2]\","
                + "\"index\":2}", 2, apply(req("PUT", "/foo").setVal("x").setPrevValue("no").setPrevIndex(5).build()));
        // prevExist=true with a condition is a compareAndSwap too, not an update
        assertAnswer(200, "{\"action\":\"compareAndSwap\",\"node\":{\"key\":\"/foo\",\"value\":\"b3\",\"modifiedIndex\":3,"
                + "\"createdIndex\":1},\"prevNode\":{\"key\":\"/foo\",\"value\":\"b2\",\"modifiedIndex\":2,"
                + "\"createdIndex\":1}}", 3,
                apply(req("PUT", "/foo").setVal("b3").setPrevIndex(2).setPrevExist(true).build()));
    }

    @Test
    void compareAndDeleteAndPlainDelete() {
        apply(put("/foo", "bar"));
        apply(put("/baz", "q"));
        assertAnswer(412, "{\"errorCode\":101,\"message\":\"Compare failed\",\"cause\":\"[nope != bar]\",\"index\":2}", 2,
                apply(req("DELETE", "/foo").setPrevValue("nope").build()));
        assertAnswer(200, "{\"action\":\"compareAndDelete\",\"node\":{\"key\":\"/foo\",\"modifiedIndex\":3,"
                + "\"createdIndex\":1},\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 3, apply(req("DELETE", "/foo").setPrevIndex(1).build()));
        assertAnswer(200, "{\"action\":\"delete\",\"node\":{\"key\":\"/baz\",\"modifiedIndex\":4,\"createdIndex\":2},"
                + "\"prevNode\":{\"key\":\"/baz\",\"value\":\"q\",\"modifiedIndex\":2,\"createdIndex\":2}}", 4,
                apply(req("DELETE", "/baz").build()));
        assertAnswer(404, "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/baz\",\"index\":4}", 4,
                apply(req("DELETE", "/baz").build()));
    }

    @Test
    void directoriesAndTheirErrors() {
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/d\",\"dir\":true,\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 1, apply(req("PUT", "/d").setDir(true).build()));
        apply(put("/d/f", "v"));
        assertAnswer(403, "{\"errorCode\":102,\"message\":\"Not a file\",\"cause\":\"/d\",\"index\":2}", 2,
                apply(put("/d", "x")));
        assertAnswer(403, "{\"errorCode\":102,\"message\":\"Not a file\",\"cause\":\"/d\",\"index\":2}", 2,
                apply(req("DELETE", "/d").build()));
        assertAnswer(403, "{\"errorCode\":108,\"message\":\"Directory not empty\",\"cause\":\"/d\",\"index\":2}", 2,
                apply(req("DELETE", "/d").setDir(true).build()));
        // a file as a parent: the cause is the file's path, without the /1 namespace
        assertAnswer(400, "{\"errorCode\":104,\"message\":\"Not a directory\",\"cause\":\"/d/f\",\"index\":2}", 2,
                apply(put("/d/f/g", "x")));
        assertAnswer(200, "{\"action\":\"delete\",\"node\":{\"key\":\"/d\",\"dir\":true,\"modifiedIndex\":3,"
                + "\"createdIndex\":1},\"prevNode\":{\"key\":\"/d\",\"dir\":true,\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 3, apply(req("DELETE", "/d").setRecursive(true).build()));
        assertAnswer(404, "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/d\",\"index\":3}", 3,
                read(get("/d/f")));
    }

    @Test
    void theKeysRootIsReadOnly() {
        assertAnswer(400, "{\"errorCode\":107,\"message\":\"Root is read only\",\"cause\":\"/\",\"index\":0}", 0,
                apply(put("/", "x")));
        assertAnswer(400, "{\"errorCode\":107,\"message\":\"Root is read only\",\"cause\":\"/\",\"index\":0}", 0,
                apply(req("DELETE", "/").setRecursive(true).build()));
    }

    @Test
    void postCreatesInOrderKeysNamedByTheIndex() {
        apply(put("/other", "x"));
        assertAnswer(201, "{\"action\":\"create\",\"node\":{\"key\":\"/queue/00000000000000000002\",\"value\":\"job\","
                + "\"modifiedIndex\":2,\"createdIndex\":2}}", 2, apply(req("POST", "/queue").setVal("job").build()));
        assertAnswer(201, "{\"action\":\"create\",\"node\":{\"key\":\"/queue/00000000000000000003\",\"dir\":true,"
                + "\"modifiedIndex\":3,\"createdIndex\":3}}", 3, apply(req("POST", "/queue").setDir(true).build()));
        assertAnswer(400, "{\"errorCode\":104,\"message\":\"Not a directory\",\"cause\":\"/other\",\"index\":3}", 3,
                apply(req("POST", "/other").setVal("y").build()));
    }

    @Test
    void ttlFromExpirationAndRefreshKeepingTheValue() {
        long in10s = unixNanos(clock.plus(Duration.ofSeconds(10)));
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/t\",\"value\":\"v\",\"expiration\":"
                + "\"2024-01-01T00:00:10Z\",\"ttl\":10,\"modifiedIndex\":1,\"createdIndex\":1}}", 1,
                apply(req("PUT", "/t").setVal("v").setExpiration(in10s).build()));
        assertTrue(v2.hasTtlKeys());
        clock.advance(Duration.ofMillis(2500));
        long in20s = unixNanos(clock.plus(Duration.ofSeconds(20)));
        // etcd's answer to a refresh carries no "refresh" field: v2http encodes a clone without it
        assertAnswer(200, "{\"action\":\"update\",\"node\":{\"key\":\"/t\",\"value\":\"v\",\"expiration\":"
                + "\"2024-01-01T00:00:22.5Z\",\"ttl\":20,\"modifiedIndex\":2,\"createdIndex\":1},\"prevNode\":{\"key\":"
                + "\"/t\",\"value\":\"v\",\"expiration\":\"2024-01-01T00:00:10Z\",\"ttl\":8,\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}", 2,
                apply(req("PUT", "/t").setPrevExist(true).setRefresh(true).setExpiration(in20s).build()));
        // a refresh through set keeps the value as well; refresh=false is no refresh
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/t\",\"value\":\"v\",\"modifiedIndex\":3,"
                + "\"createdIndex\":3},\"prevNode\":{\"key\":\"/t\",\"value\":\"v\",\"expiration\":"
                + "\"2024-01-01T00:00:22.5Z\",\"ttl\":20,\"modifiedIndex\":2,\"createdIndex\":1}}", 3,
                apply(req("PUT", "/t").setRefresh(true).build()));
        assertFalse(v2.hasTtlKeys(), "a refresh without expiration makes the key permanent");
        assertAnswer(200, "{\"action\":\"set\",\"node\":{\"key\":\"/t\",\"value\":\"new\",\"modifiedIndex\":4,"
                + "\"createdIndex\":4},\"prevNode\":{\"key\":\"/t\",\"value\":\"v\",\"modifiedIndex\":3,"
                + "\"createdIndex\":3}}", 4, apply(req("PUT", "/t").setVal("new").setRefresh(false).build()));
        assertAnswer(404, "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/gone\",\"index\":4}", 4,
                apply(req("PUT", "/gone").setRefresh(true).setExpiration(in20s).build()));
    }

    @Test
    void syncExpiresOnlyKeysDueByTheRequestTime() {
        apply(req("PUT", "/t").setVal("v").setExpiration(unixNanos(clock.plus(Duration.ofSeconds(1)))).build());
        apply(put("/keep", "k"));
        V2Answer.Result early = apply(V2Requests.sync(9, clock.plusMillis(999)));
        assertAnswer(500, "{\"errorCode\":300,\"message\":\"Raft Internal Error\",\"cause\":"
                + "\"received response with no Event/Watcher\",\"index\":0}", 0, early);
        assertEquals(2, v2.index());
        assertTrue(v2.hasTtlKeys());

        apply(V2Requests.sync(10, clock.plusMillis(1000)));
        assertEquals(3, v2.index(), "the expiry is an event with its own index");
        assertFalse(v2.hasTtlKeys());
        assertAnswer(404, "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/t\",\"index\":3}", 3,
                read(get("/t")));
        assertAnswer(200, "{\"action\":\"get\",\"node\":{\"key\":\"/keep\",\"value\":\"k\",\"modifiedIndex\":2,"
                + "\"createdIndex\":2}}", 3, read(get("/keep")));
    }

    @Test
    void quorumGetThroughApplyAndLocalGetAnswerAlike() {
        apply(put("/dir/b", "2"));
        apply(put("/dir/a", "1"));
        apply(put("/dir/_hidden", "h"));
        String sorted = "{\"action\":\"get\",\"node\":{\"key\":\"/dir\",\"dir\":true,\"nodes\":[{\"key\":\"/dir/a\","
                + "\"value\":\"1\",\"modifiedIndex\":2,\"createdIndex\":2},{\"key\":\"/dir/b\",\"value\":\"2\","
                + "\"modifiedIndex\":1,\"createdIndex\":1}],\"modifiedIndex\":1,\"createdIndex\":1}}";
        V2Request qget = V2Requests.forProposal(req("GET", "/dir").setQuorum(true).setSorted(true).build());
        assertEquals("QGET", qget.getMethod());
        assertAnswer(200, sorted, 3, apply(qget));
        assertAnswer(200, sorted, 3, read(req("GET", "/dir").setSorted(true).build()));
        assertAnswer(200, sorted, 3, read(req("HEAD", "/dir").setSorted(true).build()));
        assertAnswer(404, "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/nope\",\"index\":3}", 3,
                apply(req("QGET", "/nope").build()));
    }

    @Test
    void theKeysRootListsOnlyUserKeys() {
        v2.cluster().addMember(1, java.util.List.of("http://a:2380"), false);
        v2.cluster().setClusterVersion("3.4.0");
        apply(put("/foo", "bar"));
        assertAnswer(200, "{\"action\":\"get\",\"node\":{\"dir\":true,\"nodes\":[{\"key\":\"/foo\",\"value\":\"bar\","
                + "\"modifiedIndex\":3,\"createdIndex\":3}]}}", 3, read(get("/")));
        assertAnswer(200, "{\"action\":\"get\",\"node\":{\"dir\":true,\"nodes\":[{\"key\":\"/foo\",\"value\":\"bar\","
                + "\"modifiedIndex\":3,\"createdIndex\":3}]}}", 3, read(get("")));
    }

    @Test
    void unknownMethodsAnswerEtcdsInternalError() {
        String unknown = "{\"errorCode\":300,\"message\":\"Raft Internal Error\",\"cause\":"
                + "\"etcdserver: unknown method\",\"index\":0}";
        assertAnswer(500, unknown, 0, apply(req("GET", "/foo").build()));
        assertAnswer(500, unknown, 0, read(req("PATCH", "/foo").build()));
    }

    @Test
    void readRefusesWhatMustBeProposedOrWatched() {
        assertThrows(IllegalArgumentException.class, () -> read(req("GET", "/f").setQuorum(true).build()));
        assertThrows(IllegalArgumentException.class, () -> read(req("GET", "/f").setWait(true).build()));
        assertThrows(IllegalArgumentException.class, () -> read(put("/f", "x")));
    }

    @Test
    void stringsAreEscapedAsGoDoes() {
        assertAnswer(201, "{\"action\":\"set\",\"node\":{\"key\":\"/a\\u003cb\",\"value\":\"x\\\"\\u0026\\n\","
                + "\"modifiedIndex\":1,\"createdIndex\":1}}", 1, apply(put("/a<b", "x\"&\n")));
    }

    @Test
    void storeStatsCountAppliedAndLocalOperations() {
        apply(put("/foo", "bar"));
        read(get("/foo"));
        read(get("/missing"));
        v2.watch(req("GET", "/foo").setWait(true).build(), RAFT_INDEX, RAFT_TERM);
        v2.cluster().members(); // bookkeeping reads are not client gets
        assertEquals("{\"getsSuccess\":1,\"getsFail\":1,\"setsSuccess\":1,\"setsFail\":0,\"deleteSuccess\":0,"
                + "\"deleteFail\":0,\"updateSuccess\":0,\"updateFail\":0,\"createSuccess\":0,\"createFail\":0,"
                + "\"compareAndSwapSuccess\":0,\"compareAndSwapFail\":0,\"compareAndDeleteSuccess\":0,"
                + "\"compareAndDeleteFail\":0,\"expireCount\":0,\"watchers\":1}",
                new String(v2.storeStatsJson(), StandardCharsets.UTF_8));
    }

    @Test
    void applyIsDeterministicAcrossMembers() {
        V2Service other = new V2Service(new TestClock());
        V2Request[] log = {
            put("/a", "1"),
            req("POST", "/q").setVal("x").build(),
            req("PUT", "/t").setVal("v").setExpiration(unixNanos(clock.plus(Duration.ofSeconds(3)))).build(),
            req("PUT", "/a").setVal("2").setPrevValue("1").build(),
            V2Requests.sync(1, clock.plus(Duration.ofSeconds(5))),
            req("DELETE", "/q").setRecursive(true).build(),
        };
        for (V2Request r : log) {
            apply(r);
            other.apply(r, RAFT_INDEX, RAFT_TERM);
        }
        assertEquals(6, v2.index());
        assertEquals(new String(v2.save(), StandardCharsets.UTF_8), new String(other.save(), StandardCharsets.UTF_8));
    }
}
