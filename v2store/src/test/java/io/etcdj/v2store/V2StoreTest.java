package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4 v2store/store_test.go (non-watch cases) plus edge cases read from store.go. */
class V2StoreTest {
    private final TestClock clock = new TestClock();
    private final V2Store s = new V2Store(clock);
    private static final ExpireOptions P = ExpireOptions.PERMANENT;

    private static V2Error fails(org.junit.jupiter.api.function.Executable op) {
        return assertThrows(V2Error.class, op);
    }

    @Test
    void namespacesExistAndAreReadOnly() {
        V2Store ns = new V2Store(clock, "/0", "/1");
        assertNotNull(ns.get("/0", false, false));
        assertNotNull(ns.get("/1", false, false));
        for (String p : List.of("/", "/0", "/1", "/1/", "//1/.")) {
            assertEquals(V2ErrorCode.ROOT_READ_ONLY, fails(() -> ns.set(p, true, "", P)).code());
            assertEquals(V2ErrorCode.ROOT_READ_ONLY, fails(() -> ns.delete(p, true, true)).code());
            assertEquals(V2ErrorCode.ROOT_READ_ONLY, fails(() -> ns.create(p, true, "", false, P)).code());
            assertEquals(V2ErrorCode.ROOT_READ_ONLY, fails(() -> ns.update(p, "", P)).code());
            V2Error cas = fails(() -> ns.compareAndSwap(p, "", 0, "", P));
            assertEquals(V2ErrorCode.ROOT_READ_ONLY, cas.code());
            assertEquals("/", cas.cause());
        }
        assertEquals(0, ns.index());
        // Unique creation under a read-only directory is fine: the new key itself is not read-only.
        assertEquals("/1/00000000000000000001", ns.create("/1", false, "v", true, P).node().key());
    }

    @Test
    void getValue() {
        s.create("/foo", false, "bar", false, P);
        Event e = s.get("/foo", false, false);
        assertEquals(1, e.etcdIndex());
        assertEquals(Action.GET, e.action());
        assertEquals("/foo", e.node().key());
        assertEquals("bar", e.node().value());
    }

    @Test
    void getKeepsTheCallersSpellingOfTheKey() {
        s.create("/foo", false, "bar", false, P);
        assertEquals("foo/", s.get("foo/", false, false).node().key());
    }

    @Test
    void getSortedRecursive() {
        s.create("/foo", true, "", false, P);
        s.create("/foo/x", false, "0", false, P);
        s.create("/foo/z", false, "0", false, P);
        s.create("/foo/y", true, "", false, P);
        s.create("/foo/y/b", false, "0", false, P);
        s.create("/foo/y/a", false, "0", false, P);
        Event e = s.get("/foo", true, true);
        assertEquals(6, e.etcdIndex());
        assertEquals(List.of("/foo/x", "/foo/y", "/foo/z"), e.node().nodes().stream().map(NodeExtern::key).toList());
        assertEquals(List.of("/foo/y/a", "/foo/y/b"),
                e.node().nodes().get(1).nodes().stream().map(NodeExtern::key).toList());
    }

    @Test
    void getDirectoryNonRecursiveListsOneLevelAndHidesHiddenKeys() {
        s.create("/foo/bar", false, "X", false, P);
        s.create("/foo/_hidden", false, "*", false, P);
        s.create("/foo/baz/bat", false, "Y", false, P);
        Event e = s.get("/foo", false, true);
        assertTrue(e.node().dir());
        assertEquals(List.of("/foo/bar", "/foo/baz"), e.node().nodes().stream().map(NodeExtern::key).toList());
        NodeExtern baz = e.node().nodes().get(1);
        assertTrue(baz.dir());
        assertTrue(baz.nodes().isEmpty(), "not recursive: grandchildren are not listed");
        // A hidden key is still readable directly.
        assertEquals("*", s.get("/foo/_hidden", false, false).node().value());
    }

    @Test
    void getErrors() {
        s.create("/foo", false, "bar", false, P);
        V2Error missing = fails(() -> s.get("/nope/deeper", false, false));
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, missing.code());
        assertEquals("/nope", missing.cause());
        assertEquals(1, missing.index());
        V2Error notDir = fails(() -> s.get("/foo/bar", false, false));
        assertEquals(V2ErrorCode.NOT_DIR, notDir.code());
        assertEquals("/foo", notDir.cause());
    }

    @Test
    void set() {
        Event e = s.set("/foo", false, "", P);
        assertEquals(1, e.etcdIndex());
        assertEquals(Action.SET, e.action());
        assertEquals("/foo", e.node().key());
        assertFalse(e.node().dir());
        assertEquals("", e.node().value());
        assertTrue(e.node().nodes().isEmpty());
        assertNull(e.node().expiration());
        assertEquals(0, e.node().ttl());
        assertEquals(1, e.node().modifiedIndex());
        assertNull(e.prevNode());
        assertTrue(e.isCreated());

        e = s.set("/foo", false, "bar", P);
        assertEquals(2, e.etcdIndex());
        assertEquals("bar", e.node().value());
        assertEquals(2, e.node().modifiedIndex());
        assertEquals(2, e.node().createdIndex(), "set replaces the node, resetting createdIndex");
        assertEquals("/foo", e.prevNode().key());
        assertEquals("", e.prevNode().value());
        assertEquals(1, e.prevNode().modifiedIndex());
        assertFalse(e.isCreated());

        e = s.set("/foo", false, "baz", P);
        assertEquals(3, e.etcdIndex());
        assertEquals("bar", e.prevNode().value());
        assertEquals(2, e.prevNode().modifiedIndex());

        e = s.set("/a/b/c/d", false, "efg", P);
        assertEquals(4, e.etcdIndex());
        assertEquals("/a/b/c/d", e.node().key());
        assertEquals(4, s.get("/a/b", false, false).node().createdIndex(), "implicit parents get the new index");

        e = s.set("/dir", true, "", P);
        assertEquals(5, e.etcdIndex());
        assertTrue(e.node().dir());
        assertNull(e.node().value());
    }

    @Test
    void setErrors() {
        s.create("/dir", true, "", false, P);
        V2Error notFile = fails(() -> s.set("/dir", false, "x", P));
        assertEquals(V2ErrorCode.NOT_FILE, notFile.code());
        assertEquals("/dir", notFile.cause());
        assertEquals(1, notFile.index());
        s.set("/file", false, "x", P);
        V2Error notDir = fails(() -> s.set("/file/sub", false, "x", P));
        assertEquals(V2ErrorCode.NOT_DIR, notDir.code());
        assertEquals("/file", notDir.cause());
        V2Error refreshMissing = fails(() -> s.set("/missing", false, "", ExpireOptions.refreshTo(clock.plusMillis(500))));
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, refreshMissing.code());
        assertEquals(2, s.index());
    }

    @Test
    void createValue() {
        Event e = s.create("/foo", false, "bar", false, P);
        assertEquals(1, e.etcdIndex());
        assertEquals(Action.CREATE, e.action());
        assertEquals("bar", e.node().value());
        assertEquals(1, e.node().modifiedIndex());
        assertEquals(1, e.node().createdIndex());
        assertTrue(e.isCreated());
        e = s.create("/empty", false, "", false, P);
        assertEquals(2, e.etcdIndex());
        assertEquals("", e.node().value());
    }

    @Test
    void createDirectory() {
        Event e = s.create("/foo", true, "", false, P);
        assertEquals(1, e.etcdIndex());
        assertTrue(e.node().dir());
        assertNull(e.node().value());
    }

    @Test
    void createFailsIfExists() {
        s.create("/foo", true, "", false, P);
        V2Error err = fails(() -> s.create("/foo", true, "", false, P));
        assertEquals(V2ErrorCode.NODE_EXIST, err.code());
        assertEquals(105, err.errorCode());
        assertEquals("Key already exists", err.etcdMessage());
        assertEquals("/foo", err.cause());
        assertEquals(1, err.index());
    }

    @Test
    void createUniqueNamesKeysByIndex() {
        s.create("/queue", true, "", false, P);
        Event first = s.create("/queue", false, "a", true, P);
        assertEquals("/queue/00000000000000000002", first.node().key());
        s.set("/other", false, "x", P);
        Event second = s.create("queue/", false, "b", true, P);
        assertEquals("/queue/00000000000000000004", second.node().key());
        assertEquals("00000000000000000042", V2Store.uniqueName(42));
        assertEquals("18446744073709551615", V2Store.uniqueName(-1));
        Event sorted = s.get("/queue", false, true);
        assertEquals(List.of("a", "b"), sorted.node().nodes().stream().map(NodeExtern::value).toList());
    }

    @Test
    void updateValue() {
        s.create("/foo", false, "bar", false, P);
        Event e = s.update("/foo", "baz", P);
        assertEquals(2, e.etcdIndex());
        assertEquals(Action.UPDATE, e.action());
        assertEquals("baz", e.node().value());
        assertEquals(2, e.node().modifiedIndex());
        assertEquals(1, e.node().createdIndex());
        assertEquals("bar", e.prevNode().value());
        assertEquals(1, e.prevNode().modifiedIndex());
        assertEquals("baz", s.get("/foo", false, false).node().value());
        e = s.update("/foo", "", P);
        assertEquals(3, e.etcdIndex());
        assertEquals("", e.node().value());
        assertEquals("baz", e.prevNode().value());
        assertEquals(3, s.get("/foo", false, false).etcdIndex());
    }

    @Test
    void updateFailsForDirectoryValueAndMissingKey() {
        s.create("/foo", true, "", false, P);
        V2Error err = fails(() -> s.update("/foo", "baz", P));
        assertEquals(V2ErrorCode.NOT_FILE, err.code());
        assertEquals("Not a file", err.etcdMessage());
        assertEquals("/foo", err.cause());
        V2Error missing = fails(() -> s.update("/nope", "x", P));
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, missing.code());
        assertEquals("/nope", missing.cause());
        assertEquals(1, s.index());
    }

    @Test
    void updateOfDirectoryReportsNewIndexButKeepsItsModifiedIndex() {
        s.create("/foo", true, "", false, P);
        Event e = s.update("/foo", "", ExpireOptions.at(clock.plusMillis(1500)));
        assertTrue(e.node().dir());
        assertNull(e.node().value());
        assertEquals(2, e.node().modifiedIndex());
        assertEquals(2, e.node().ttl());
        // etcd's node.Write ignores directories, so the stored modifiedIndex stays.
        assertEquals(1, s.get("/foo", false, false).node().modifiedIndex());
    }

    @Test
    void deleteValue() {
        s.create("/foo", false, "bar", false, P);
        Event e = s.delete("/foo", false, false);
        assertEquals(2, e.etcdIndex());
        assertEquals(Action.DELETE, e.action());
        assertEquals("/foo", e.node().key());
        assertNull(e.node().value());
        assertEquals(2, e.node().modifiedIndex());
        assertEquals(1, e.node().createdIndex());
        assertEquals("bar", e.prevNode().value());
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, fails(() -> s.get("/foo", false, false)).code());
    }

    @Test
    void deleteDirectory() {
        s.create("/foo", true, "", false, P);
        Event e = s.delete("/foo", true, false);
        assertEquals(2, e.etcdIndex());
        assertTrue(e.node().dir());
        assertTrue(e.prevNode().dir());
        s.create("/foo/bar", true, "", false, P);
        V2Error notEmpty = fails(() -> s.delete("/foo", true, false));
        assertEquals(V2ErrorCode.DIR_NOT_EMPTY, notEmpty.code());
        assertEquals("/foo", notEmpty.cause());
        assertEquals(3, notEmpty.index());
        e = s.delete("/foo", false, true);
        assertEquals(Action.DELETE, e.action());
        assertEquals(4, e.etcdIndex());
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, fails(() -> s.get("/foo/bar", false, false)).code());
    }

    @Test
    void deleteDirectoryWithoutDirOrRecursiveFails() {
        s.create("/foo", true, "", false, P);
        V2Error err = fails(() -> s.delete("/foo", false, false));
        assertEquals(V2ErrorCode.NOT_FILE, err.code());
        assertEquals("Not a file", err.etcdMessage());
    }

    @Test
    void recursiveDeleteRemovesTtlChildrenFromTheHeap() {
        s.create("/d/a", false, "1", false, ExpireOptions.at(clock.plusMillis(500)));
        s.create("/d/b", false, "2", false, ExpireOptions.at(clock.plusMillis(500)));
        assertTrue(s.hasTtlKeys());
        s.delete("/d", true, true);
        assertFalse(s.hasTtlKeys());
        assertEquals(0, s.ttlHeapSize());
    }

    @Test
    void compareAndDelete() {
        s.create("/foo", false, "bar", false, P);
        Event e = s.compareAndDelete("/foo", "bar", 0);
        assertEquals(2, e.etcdIndex());
        assertEquals(Action.COMPARE_AND_DELETE, e.action());
        assertEquals("/foo", e.node().key());
        assertEquals("bar", e.prevNode().value());
        assertEquals(1, e.prevNode().modifiedIndex());
        assertEquals(1, e.prevNode().createdIndex());

        s.create("/foo", false, "bar", false, P);
        e = s.compareAndDelete("/foo", "", 3);
        assertEquals(4, e.etcdIndex());
    }

    @Test
    void compareAndDeleteFailures() {
        s.create("/foo", false, "bar", false, P);
        V2Error value = fails(() -> s.compareAndDelete("/foo", "baz", 0));
        assertEquals(V2ErrorCode.TEST_FAILED, value.code());
        assertEquals("Compare failed", value.etcdMessage());
        assertEquals("[baz != bar]", value.cause());
        assertEquals(1, value.index());
        assertEquals("[100 != 1]", fails(() -> s.compareAndDelete("/foo", "", 100)).cause());
        assertEquals("[baz != bar] [100 != 1]", fails(() -> s.compareAndDelete("/foo", "baz", 100)).cause());
        assertEquals("bar", s.get("/foo", false, false).node().value());
        assertEquals(1, s.index());
        s.create("/dir", true, "", false, P);
        assertEquals(V2ErrorCode.NOT_FILE, fails(() -> s.compareAndDelete("/dir", "", 0)).code());
    }

    @Test
    void compareAndSwap() {
        s.create("/foo", false, "bar", false, P);
        Event e = s.compareAndSwap("/foo", "bar", 0, "baz", P);
        assertEquals(2, e.etcdIndex());
        assertEquals(Action.COMPARE_AND_SWAP, e.action());
        assertEquals("baz", e.node().value());
        assertEquals(2, e.node().modifiedIndex());
        assertEquals(1, e.node().createdIndex());
        assertEquals("bar", e.prevNode().value());
        assertEquals(1, e.prevNode().modifiedIndex());
        assertEquals("baz", s.get("/foo", false, false).node().value());

        e = s.compareAndSwap("/foo", "", 2, "qux", P);
        assertEquals(3, e.etcdIndex());
        assertEquals("qux", s.get("/foo", false, false).node().value());
    }

    @Test
    void compareAndSwapFailures() {
        s.create("/foo", false, "bar", false, P);
        V2Error value = fails(() -> s.compareAndSwap("/foo", "wrong_value", 0, "baz", P));
        assertEquals(V2ErrorCode.TEST_FAILED, value.code());
        assertEquals("[wrong_value != bar]", value.cause());
        assertEquals(412, value.statusCode());
        assertEquals("[100 != 1]", fails(() -> s.compareAndSwap("/foo", "", 100, "baz", P)).cause());
        s.set("/foo", false, "baz", P);
        assertEquals("[bar != baz] [4 != 2]", fails(() -> s.compareAndSwap("/foo", "bar", 4, "x", P)).cause());
        assertEquals("baz", s.get("/foo", false, false).node().value());
        assertEquals(2, s.get("/foo", false, false).etcdIndex());
        s.create("/dir", true, "", false, P);
        V2Error dir = fails(() -> s.compareAndSwap("/dir", "", 0, "x", P));
        assertEquals(V2ErrorCode.NOT_FILE, dir.code());
        assertEquals("/dir", dir.cause());
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, fails(() -> s.compareAndSwap("/nope", "a", 0, "x", P)).code());
    }

    @Test
    void pathsAreCleanedLikeGo() {
        Event e = s.set("a//b/../c/./d/", false, "v", P);
        assertEquals("/a/c/d", e.node().key());
        assertEquals("v", s.get("/a/c/d", false, false).node().value());
        assertEquals("/a/c/d", s.delete("//a/c/d", false, false).node().key());
    }

    @Test
    void copyIsIndependentAndFullyWorking() {
        s.create("/foo/x", false, "1", false, P);
        s.create("/foo/y", false, "2", false, ExpireOptions.at(clock.plusMillis(500)));
        V2Store c = s.copy();
        assertEquals(s.dumpTree(), c.dumpTree());
        c.set("/foo/x", false, "changed", P);
        assertEquals("1", s.get("/foo/x", false, false).node().value());
        clock.advanceMillis(600);
        c.deleteExpiredKeys(clock.instant());
        assertEquals(V2ErrorCode.KEY_NOT_FOUND, fails(() -> c.get("/foo/y", false, false)).code());
        assertEquals("2", s.get("/foo/y", false, false).node().value());
    }
}
