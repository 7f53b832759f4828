package io.etcdj.v2store;

import java.util.ArrayList;
import java.util.List;

/**
 * etcd's {@code ttlKeyHeap}: a min-heap of nodes by expiry, following Go's container/heap
 * algorithm. Ties are broken by path (Go leaves them to heap shape, which after a snapshot
 * recovery depends on map iteration order); a total order makes expiry order, and so the indexes
 * of expire events, identical on every member whatever its history.
 */
final class TtlKeyHeap {
    private final List<Node> array = new ArrayList<>();

    int size() {
        return array.size();
    }

    Node top() {
        return array.isEmpty() ? null : array.get(0);
    }

    void push(Node n) {
        n.heapIndex = array.size();
        array.add(n);
        up(array.size() - 1);
    }

    Node pop() {
        int n = array.size() - 1;
        swap(0, n);
        down(0, n);
        return removeLast();
    }

    /** Re-positions a node whose expiry changed; no-op if it is not in the heap. */
    void update(Node n) {
        if (contains(n)) {
            removeAt(n.heapIndex);
            push(n);
        }
    }

    void remove(Node n) {
        if (contains(n)) {
            removeAt(n.heapIndex);
        }
    }

    private boolean contains(Node n) {
        int i = n.heapIndex;
        return i >= 0 && i < array.size() && array.get(i) == n;
    }

    private void removeAt(int i) {
        int n = array.size() - 1;
        if (n != i) {
            swap(i, n);
            if (!down(i, n)) {
                up(i);
            }
        }
        removeLast();
    }

    private Node removeLast() {
        Node x = array.remove(array.size() - 1);
        x.heapIndex = -1;
        return x;
    }

    private boolean less(int i, int j) {
        Node a = array.get(i);
        Node b = array.get(j);
        int c = a.expireTime.compareTo(b.expireTime);
        return c < 0 || c == 0 && GoPath.compare(a.path, b.path) < 0;
    }

    private void swap(int i, int j) {
        Node a = array.get(i);
        Node b = array.get(j);
        array.set(i, b);
        array.set(j, a);
        b.heapIndex = i;
        a.heapIndex = j;
    }

    private void up(int j) {
        while (true) {
            int i = (j - 1) / 2;
            if (i == j || !less(j, i)) {
                break;
            }
            swap(i, j);
            j = i;
        }
    }

    private boolean down(int i0, int n) {
        int i = i0;
        while (true) {
            int j1 = 2 * i + 1;
            if (j1 >= n || j1 < 0) {
                break;
            }
            int j = j1;
            int j2 = j1 + 1;
            if (j2 < n && less(j2, j1)) {
                j = j2;
            }
            if (!less(j, i)) {
                break;
            }
            swap(i, j);
            i = j;
        }
        return i > i0;
    }
}
