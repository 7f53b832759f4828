package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ports of etcd 3.4 v2store/heap_test.go plus removal and tie-breaking. */
class TtlKeyHeapTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private static Node kv(String path, long seconds) {
        return Node.file(path, path, 0, null, T0.plusSeconds(seconds));
    }

    @Test
    void pushPopInExpiryOrder() {
        TtlKeyHeap h = new TtlKeyHeap();
        for (int i = 0; i < 10; i++) {
            h.push(kv(Integer.toString(10 - i), 10 - i));
        }
        Instant min = T0;
        for (int i = 0; i < 10; i++) {
            Node n = h.pop();
            assertFalse(n.expireTime.isBefore(min));
            min = n.expireTime;
            assertEquals(-1, n.heapIndex);
        }
        assertNull(h.top());
    }

    @Test
    void updateRepositions() {
        TtlKeyHeap h = new TtlKeyHeap();
        List<Node> kvs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Node n = kv(Integer.toString(10 - i), 10 - i);
            kvs.add(n);
            h.push(n);
        }
        kvs.get(3).expireTime = T0.plusSeconds(11); // path "7"
        kvs.get(5).expireTime = T0.plusSeconds(12); // path "5"
        h.update(kvs.get(3));
        h.update(kvs.get(5));
        List<String> order = new ArrayList<>();
        while (h.size() > 0) {
            order.add(h.pop().path);
        }
        assertEquals(List.of("1", "2", "3", "4", "6", "8", "9", "10", "7", "5"), order);
    }

    @Test
    void removeAnywhereKeepsTheHeapValid() {
        Random r = new Random(42);
        TtlKeyHeap h = new TtlKeyHeap();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Node n = kv("/k" + i, r.nextInt(50));
            nodes.add(n);
            h.push(n);
        }
        for (int i = 0; i < 200; i += 3) {
            h.remove(nodes.get(i));
            h.remove(nodes.get(i)); // second removal is a no-op
        }
        Node prev = null;
        int count = 0;
        while (h.size() > 0) {
            Node n = h.pop();
            if (prev != null) {
                int c = prev.expireTime.compareTo(n.expireTime);
                assertTrue(c < 0 || c == 0 && GoPath.compare(prev.path, n.path) < 0);
            }
            prev = n;
            count++;
        }
        assertEquals(200 - 67, count);
    }
}
