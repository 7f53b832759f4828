package io.etcdj.mvcc.watch;

import com.google.protobuf.ByteString;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Values attached to key intervals {@code [start, end)} ({@code end == null}: unbounded), found by
 * the intervals containing a key (a stabbing query) in O(log n + matches) expected time. etcd uses
 * an interval tree for its range watchers for the same reason: a write must not scan every range
 * watcher.
 *
 * <p>A treap ordered by (start, end) whose nodes also hold the greatest end in their subtree, so a
 * search skips every subtree whose intervals all end at or before the key. Values with the same
 * interval share a node. Not thread-safe.
 */
final class IntervalIndex<V> {
    private static final class Node<V> {
        final ByteString start;
        final ByteString end;
        final int priority;
        final Set<V> values = new LinkedHashSet<>();
        Node<V> left;
        Node<V> right;
        /** The greatest end in this subtree; null when some interval in it is unbounded. */
        ByteString maxEnd;

        Node(ByteString start, ByteString end, int priority) {
            this.start = start;
            this.end = end;
            this.priority = priority;
            this.maxEnd = end;
        }
    }

    // A fixed seed keeps the shape (and so any bug) reproducible.
    private final SplittableRandom priorities = new SplittableRandom(0x1d7e_4a15L);
    private Node<V> root;
    /** Whether the last add or remove changed anything. */
    private boolean changed;

    /** Attaches {@code value} to the interval; false when it was already there. */
    boolean add(ByteString start, ByteString end, V value) {
        changed = false;
        root = insert(root, start, end, value);
        return changed;
    }

    /** Removes {@code value} from the interval; false when it was not there. */
    boolean remove(ByteString start, ByteString end, V value) {
        changed = false;
        root = delete(root, start, end, value);
        return changed;
    }

    /** Hands {@code action} the values of every interval that contains {@code key}. */
    void stab(ByteString key, Consumer<? super V> action) {
        stab(root, key, action);
    }

    /** Whether some interval contains {@code key}. */
    boolean containsPoint(ByteString key) {
        return anyContains(root, key);
    }

    boolean isEmpty() {
        return root == null;
    }

    /** Hands {@code action} every value, by interval order; it must not change this index. */
    void forEach(Consumer<? super V> action) {
        forEach(root, action);
    }

    private static <V> void forEach(Node<V> node, Consumer<? super V> action) {
        if (node == null) {
            return;
        }
        forEach(node.left, action);
        node.values.forEach(action);
        forEach(node.right, action);
    }

    private Node<V> insert(Node<V> node, ByteString start, ByteString end, V value) {
        if (node == null) {
            Node<V> created = new Node<>(start, end, priorities.nextInt());
            changed = created.values.add(value);
            return created;
        }
        int order = compare(start, end, node);
        if (order == 0) {
            changed = node.values.add(value);
            return node;
        }
        if (order < 0) {
            node.left = insert(node.left, start, end, value);
            if (node.left.priority > node.priority) {
                node = rotateRight(node);
            }
        } else {
            node.right = insert(node.right, start, end, value);
            if (node.right.priority > node.priority) {
                node = rotateLeft(node);
            }
        }
        update(node);
        return node;
    }

    private Node<V> delete(Node<V> node, ByteString start, ByteString end, V value) {
        if (node == null) {
            return null;
        }
        int order = compare(start, end, node);
        if (order < 0) {
            node.left = delete(node.left, start, end, value);
        } else if (order > 0) {
            node.right = delete(node.right, start, end, value);
        } else {
            changed = node.values.remove(value);
            if (node.values.isEmpty()) {
                return unlink(node);
            }
        }
        update(node);
        return node;
    }

    /** The subtree without {@code node}: rotates it down until it has at most one child. */
    private Node<V> unlink(Node<V> node) {
        if (node.left == null) {
            return node.right;
        }
        if (node.right == null) {
            return node.left;
        }
        Node<V> top;
        if (node.left.priority > node.right.priority) {
            top = rotateRight(node);
            top.right = unlink(node);
        } else {
            top = rotateLeft(node);
            top.left = unlink(node);
        }
        update(top);
        return top;
    }

    private void stab(Node<V> node, ByteString key, Consumer<? super V> action) {
        if (node == null || endsAtOrBefore(node.maxEnd, key)) {
            return;
        }
        stab(node.left, key, action);
        if (KeyRange.ORDER.compare(node.start, key) > 0) {
            return;  // this start and every start to the right are above the key
        }
        if (!endsAtOrBefore(node.end, key)) {
            node.values.forEach(action);
        }
        stab(node.right, key, action);
    }

    private boolean anyContains(Node<V> node, ByteString key) {
        if (node == null || endsAtOrBefore(node.maxEnd, key)) {
            return false;
        }
        if (anyContains(node.left, key)) {
            return true;
        }
        if (KeyRange.ORDER.compare(node.start, key) > 0) {
            return false;
        }
        return !endsAtOrBefore(node.end, key) || anyContains(node.right, key);
    }

    /** Whether an interval ending at {@code end} (null: unbounded) excludes {@code key} from above. */
    private static boolean endsAtOrBefore(ByteString end, ByteString key) {
        return end != null && KeyRange.ORDER.compare(end, key) <= 0;
    }

    private static int compare(ByteString start, ByteString end, Node<?> node) {
        int byStart = KeyRange.ORDER.compare(start, node.start);
        return byStart != 0 ? byStart : compareEnds(end, node.end);
    }

    /** Orders ends with null (unbounded) last. */
    private static int compareEnds(ByteString a, ByteString b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        return KeyRange.ORDER.compare(a, b);
    }

    private static <V> Node<V> rotateRight(Node<V> node) {
        Node<V> top = node.left;
        node.left = top.right;
        top.right = node;
        update(node);
        update(top);
        return top;
    }

    private static <V> Node<V> rotateLeft(Node<V> node) {
        Node<V> top = node.right;
        node.right = top.left;
        top.left = node;
        update(node);
        update(top);
        return top;
    }

    private static void update(Node<?> node) {
        ByteString max = node.end;
        if (node.left != null && compareEnds(node.left.maxEnd, max) > 0) {
            max = node.left.maxEnd;
        }
        if (node.right != null && compareEnds(node.right.maxEnd, max) > 0) {
            max = node.right.maxEnd;
        }
        node.maxEnd = max;
    }
}
