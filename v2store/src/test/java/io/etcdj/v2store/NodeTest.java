package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4 v2store/node_test.go. */
class NodeTest {
    private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant IN_A_MINUTE = NOW.plusSeconds(60);

    @Test
    void fileBasics() {
        Node n = Node.file("foo", "bar", 0, null, IN_A_MINUTE);
        assertFalse(n.isHidden());
        assertFalse(n.isPermanent());
        assertFalse(n.isDir());
        n.write("bar1", 1);
        n.write("bar2", 2);
        assertEquals("bar2", n.value);
        assertEquals(Node.MATCH, n.compare("bar2", 2));
        assertEquals(Node.VALUE_NOT_MATCH, n.compare("x", 2));
        assertEquals(Node.INDEX_NOT_MATCH, n.compare("bar2", 3));
        assertEquals(Node.NOT_MATCH, n.compare("x", 3));
        assertEquals(Node.MATCH, n.compare("", 0));
        assertEquals(60, n.ttl(NOW));
        NodeExtern r = n.repr(false, false, NOW);
        assertEquals("foo", r.key());
        assertEquals("bar2", r.value());
        assertEquals(IN_A_MINUTE, r.expiration());
        Node c = n.copy(null);
        assertEquals(n.path, c.path);
        assertEquals(n.value, c.value);
        assertEquals(2, c.modifiedIndex);
    }

    @Test
    void hiddenAndRoot() {
        assertTrue(Node.file("/a/_b", "", 0, null, null).isHidden());
        assertFalse(Node.file("/_a/b", "", 0, null, null).isHidden());
        assertFalse(Node.dir("/", 0, null, null).isHidden());
    }

    @Test
    void fileRemoveLeavesItReadableAndOutOfTheHeap() {
        TtlKeyHeap heap = new TtlKeyHeap();
        Node n = Node.file("foo", "bar", 0, null, IN_A_MINUTE);
        heap.push(n);
        List<String> removed = new ArrayList<>();
        n.remove(false, false, removed::add, heap, 0);
        assertEquals("bar", n.value);
        assertEquals(0, heap.size());
        assertEquals(List.of("foo"), removed);
    }

    @Test
    void directoryBasics() {
        TtlKeyHeap heap = new TtlKeyHeap();
        Node d = Node.dir("/foo", 0, null, IN_A_MINUTE);
        assertTrue(d.isDir());
        assertFalse(d.isPermanent());
        d.write("x", 5);
        assertEquals(0, d.modifiedIndex, "writes to a directory are ignored");
        assertNull(d.repr(false, false, NOW).value());
        Node child = Node.file("/foo/hello", "world", 0, d, IN_A_MINUTE);
        d.add(child);
        assertEquals(1, d.children.size());
        assertEquals(V2ErrorCode.NOT_FILE, assertThrows(V2Error.class, () -> d.remove(false, false, null, heap, 7)).code());
        V2Error notEmpty = assertThrows(V2Error.class, () -> d.remove(true, false, null, heap, 7));
        assertEquals(V2ErrorCode.DIR_NOT_EMPTY, notEmpty.code());
        assertEquals("/foo", notEmpty.cause());
        assertEquals(7, notEmpty.index());
        child.remove(true, true, null, heap, 0);
        assertEquals(0, d.children.size());
    }

    @Test
    void updateTtlMovesBetweenPermanentAndHeap() {
        TtlKeyHeap heap = new TtlKeyHeap();
        Node n = Node.file("/k", "", 1, null, null);
        n.updateTtl(null, heap);
        assertEquals(0, heap.size());
        n.updateTtl(IN_A_MINUTE, heap);
        assertEquals(1, heap.size());
        n.updateTtl(IN_A_MINUTE.plusSeconds(1), heap);
        assertEquals(1, heap.size());
        assertEquals(IN_A_MINUTE.plusSeconds(1), heap.top().expireTime);
        n.updateTtl(null, heap);
        assertEquals(0, heap.size());
        assertTrue(n.isPermanent());
    }
}
