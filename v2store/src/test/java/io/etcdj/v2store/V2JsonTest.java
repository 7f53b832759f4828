package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected strings follow Go's encoding/json on etcd 3.4's Event/NodeExtern/Error structs. */
class V2JsonTest {
    private final TestClock clock = new TestClock();
    private final V2Store s = new V2Store(clock, "/0", "/1");
    private static final ExpireOptions P = ExpireOptions.PERMANENT;

    @Test
    void setEventAsEtcdAnswersIt() {
        s.set("/1/x", false, "1", P);
        s.set("/1/y", false, "2", P);
        s.set("/1/z", false, "3", P);
        Event e = s.set("/1/foo", false, "bar", P).withoutKeyPrefix("/1");
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,\"createdIndex\":4}}",
                V2Json.event(e));
        e = s.set("/1/foo", false, "baz", P).withoutKeyPrefix("/1");
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"baz\",\"modifiedIndex\":5,\"createdIndex\":5},"
                + "\"prevNode\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":4,\"createdIndex\":4}}", V2Json.event(e));
    }

    @Test
    void emptyValueIsKeptAndDirIsFlagged() {
        assertEquals("{\"action\":\"create\",\"node\":{\"key\":\"/1/e\",\"value\":\"\",\"modifiedIndex\":1,\"createdIndex\":1}}",
                V2Json.event(s.create("/1/e", false, "", false, P)));
        assertEquals("{\"action\":\"create\",\"node\":{\"key\":\"/1/d\",\"dir\":true,\"modifiedIndex\":2,\"createdIndex\":2}}",
                V2Json.event(s.create("/1/d", true, "", false, P)));
    }

    @Test
    void ttlAndExpirationInUtcRfc3339Nano() {
        Instant expire = Instant.parse("2024-01-01T00:00:04.5Z");
        Event e = s.set("/1/t", false, "v", ExpireOptions.at(expire));
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/1/t\",\"value\":\"v\","
                + "\"expiration\":\"2024-01-01T00:00:04.5Z\",\"ttl\":5,\"modifiedIndex\":1,\"createdIndex\":1}}", V2Json.event(e));
        assertEquals("2024-01-01T00:00:00Z", GoTime.rfc3339Nano(Instant.parse("2024-01-01T00:00:00Z")));
        assertEquals("2024-01-01T00:00:00.000000001Z", GoTime.rfc3339Nano(Instant.parse("2024-01-01T00:00:00.000000001Z")));
        assertEquals("2013-12-04T12:01:21.87488858Z", GoTime.rfc3339Nano(Instant.parse("2013-12-04T12:01:21.874888580Z")));
        assertEquals("0001-01-01T00:00:00Z", GoTime.rfc3339Nano(GoTime.ZERO));
    }

    @Test
    void rootListingWithPrefixTrimmedHasNoKey() {
        s.set("/1/b", false, "2", P);
        s.set("/1/a/c", false, "3", P);
        Event e = s.get("/1", false, true).withoutKeyPrefix("/1");
        assertEquals("{\"action\":\"get\",\"node\":{\"dir\":true,\"nodes\":["
                + "{\"key\":\"/a\",\"dir\":true,\"modifiedIndex\":2,\"createdIndex\":2},"
                + "{\"key\":\"/b\",\"value\":\"2\",\"modifiedIndex\":1,\"createdIndex\":1}]}}", V2Json.event(e));
        assertEquals(2, e.etcdIndex());
    }

    @Test
    void emptyDirectoryListingOmitsNodes() {
        s.create("/1/d", true, "", false, P);
        assertEquals("{\"action\":\"get\",\"node\":{\"key\":\"/1/d\",\"dir\":true,\"modifiedIndex\":1,\"createdIndex\":1}}",
                V2Json.event(s.get("/1/d", true, false)));
    }

    @Test
    void deleteAndRefreshEvents() {
        s.create("/1/k", false, "v", false, ExpireOptions.at(clock.plusMillis(1000)));
        assertEquals("{\"action\":\"update\",\"node\":{\"key\":\"/1/k\",\"value\":\"v\",\"expiration\":\"2024-01-01T00:00:02Z\","
                        + "\"ttl\":2,\"modifiedIndex\":2,\"createdIndex\":1},\"prevNode\":{\"key\":\"/1/k\",\"value\":\"v\","
                        + "\"expiration\":\"2024-01-01T00:00:01Z\",\"ttl\":1,\"modifiedIndex\":1,\"createdIndex\":1},\"refresh\":true}",
                V2Json.event(s.update("/1/k", "", ExpireOptions.refreshTo(clock.plusMillis(2000)))));
        assertEquals("{\"action\":\"delete\",\"node\":{\"key\":\"/1/k\",\"modifiedIndex\":3,\"createdIndex\":1},"
                        + "\"prevNode\":{\"key\":\"/1/k\",\"value\":\"v\",\"expiration\":\"2024-01-01T00:00:02Z\",\"ttl\":2,"
                        + "\"modifiedIndex\":2,\"createdIndex\":1}}",
                V2Json.event(s.delete("/1/k", false, false)));
    }

    @Test
    void noValueOnSuccessDropsNodes() {
        Event e = s.set("/1/k", false, "v", P);
        assertEquals("{\"action\":\"set\"}", V2Json.event(new Event(e.action(), null, null, e.etcdIndex(), false)));
    }

    @Test
    void stringsAreEscapedLikeGo() {
        assertEquals("\"\\u003cscript\\u003e \\u0026 \\\"q\\\" \\\\ /\"", GoJson.quote("<script> & \"q\" \\ /"));
        assertEquals("\"\\n\\r\\t\\u0000\\u0008\\u000c\\u001f\u007f\"", GoJson.quote("\n\r\t\u0000\b\f\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029 é 日本 😀\"", GoJson.quote("\u2028\u2029 é 日本 😀"));
        assertEquals("\"a\\ufffdb\"", GoJson.quote("a\ud800b"));
        Event e = new Event(Action.SET, new NodeExtern("/a<b", "x&y", false, null, 0, List.of(), 1, 1), null, 1, false);
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/a\\u003cb\",\"value\":\"x\\u0026y\",\"modifiedIndex\":1,\"createdIndex\":1}}",
                V2Json.event(e));
    }

    @Test
    void errors() {
        assertEquals("{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/pant\",\"index\":0}",
                V2Json.error(new V2Error(V2ErrorCode.KEY_NOT_FOUND, "/pant", 0)));
        assertEquals("{\"errorCode\":210,\"message\":\"Invalid POST form\",\"cause\":\"missing form body\",\"index\":0}",
                V2Json.error(new V2Error(V2ErrorCode.INVALID_FORM, "missing form body", 0)));
        assertEquals("{\"errorCode\":107,\"message\":\"Root is read only\",\"index\":3}",
                V2Json.error(new V2Error(V2ErrorCode.ROOT_READ_ONLY, "", 3)));
        V2Error fromStore = org.junit.jupiter.api.Assertions.assertThrows(V2Error.class, () -> s.get("/1/foo", false, false));
        assertEquals("{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/foo\",\"index\":0}",
                V2Json.error(fromStore.withoutCausePrefix("/1")));
        assertEquals("Key not found (/1/foo)", fromStore.getMessage());
    }

    @Test
    void statusCodesAndCodeTable() {
        assertEquals(404, V2ErrorCode.KEY_NOT_FOUND.httpStatus());
        assertEquals(403, V2ErrorCode.NOT_FILE.httpStatus());
        assertEquals(403, V2ErrorCode.DIR_NOT_EMPTY.httpStatus());
        assertEquals(401, V2ErrorCode.UNAUTHORIZED.httpStatus());
        assertEquals(412, V2ErrorCode.TEST_FAILED.httpStatus());
        assertEquals(412, V2ErrorCode.NODE_EXIST.httpStatus());
        assertEquals(500, V2ErrorCode.RAFT_INTERNAL.httpStatus());
        assertEquals(500, V2ErrorCode.LEADER_ELECT.httpStatus());
        assertEquals(400, V2ErrorCode.NOT_DIR.httpStatus());
        assertEquals(400, V2ErrorCode.ROOT_READ_ONLY.httpStatus());
        assertEquals(400, V2ErrorCode.CLIENT_INTERNAL.httpStatus());
        assertEquals(32, V2ErrorCode.values().length);
        assertEquals(V2ErrorCode.EVENT_INDEX_CLEARED, V2ErrorCode.of(401));
        assertEquals("A TTL must be provided on refresh", V2ErrorCode.of(212).message());
        assertEquals(null, V2ErrorCode.of(999));
    }
}
