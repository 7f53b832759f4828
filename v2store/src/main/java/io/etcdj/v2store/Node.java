package io.etcdj.v2store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A node of the v2 tree (etcd's internal {@code node}): a file with a value, or a directory with
 * children. Children keep insertion order (Go iterates its map randomly; a fixed order keeps every
 * member deterministic). Mutated only under the store lock.
 */
final class Node {
    static final int MATCH = 0;
    static final int INDEX_NOT_MATCH = 1;
    static final int VALUE_NOT_MATCH = 2;
    static final int NOT_MATCH = 3;

    final String path;
    final long createdIndex;
    long modifiedIndex;
    Node parent;
    /** null = permanent (Go's zero time). */
    Instant expireTime;
    String value;
    /** null for a file. */
    final Map<String, Node> children;
    /** Position in the TTL heap, -1 when not in it. */
    int heapIndex = -1;

    private Node(String path, long createdIndex, Node parent, Instant expireTime, String value,
                 Map<String, Node> children) {
        this.path = path;
        this.createdIndex = createdIndex;
        this.modifiedIndex = createdIndex;
        this.parent = parent;
        this.expireTime = expireTime;
        this.value = value;
        this.children = children;
    }

    static Node file(String path, String value, long createdIndex, Node parent, Instant expireTime) {
        return new Node(path, createdIndex, parent, expireTime, value, null);
    }

    static Node dir(String path, long createdIndex, Node parent, Instant expireTime) {
        return new Node(path, createdIndex, parent, expireTime, "", new LinkedHashMap<>());
    }

    /** A node whose last path segment starts with '_' is left out of listings and recursive watches. */
    boolean isHidden() {
        String name = GoPath.base(path);
        return !name.isEmpty() && name.charAt(0) == '_';
    }

    boolean isPermanent() {
        return expireTime == null;
    }

    boolean isDir() {
        return children != null;
    }

    /** Sets a file's value; etcd silently ignores writes to a directory (its error is discarded). */
    void write(String newValue, long index) {
        if (isDir()) {
            return;
        }
        value = newValue;
        modifiedIndex = index;
    }

    long ttl(Instant now) {
        return isPermanent() ? 0 : GoTime.ttlSeconds(expireTime, now);
    }

    void add(Node child) {
        children.put(GoPath.base(child.path), child);
    }

    /**
     * etcd's {@code Remove}: a file always goes; a directory needs {@code dir}, and {@code recursive}
     * when not empty. {@code onRemoved} gets the path of each removed node (children first).
     */
    void remove(boolean dir, boolean recursive, Consumer<String> onRemoved, TtlKeyHeap heap, long currentIndex) {
        if (!isDir()) {
            detachFromParent();
            if (onRemoved != null) {
                onRemoved.accept(path);
            }
            if (!isPermanent()) {
                heap.remove(this);
            }
            return;
        }
        if (!dir) {
            throw new V2Error(V2ErrorCode.NOT_FILE, path, currentIndex);
        }
        if (!children.isEmpty() && !recursive) {
            throw new V2Error(V2ErrorCode.DIR_NOT_EMPTY, path, currentIndex);
        }
        for (Node child : new ArrayList<>(children.values())) {
            child.remove(true, true, onRemoved, heap, currentIndex);
        }
        if (detachFromParent()) {
            if (onRemoved != null) {
                onRemoved.accept(path);
            }
            if (!isPermanent()) {
                heap.remove(this);
            }
        }
    }

    private boolean detachFromParent() {
        String name = GoPath.base(path);
        if (parent != null && parent.children.get(name) == this) {
            parent.children.remove(name);
            return true;
        }
        return false;
    }

    /** etcd's {@code Repr}: this node's external view; a directory lists children only if recursive. */
    NodeExtern repr(boolean recursive, boolean sorted, Instant now) {
        if (isDir()) {
            List<NodeExtern> nodes = recursive ? listChildren(true, sorted, now) : List.of();
            return new NodeExtern(path, null, true, expireTime, ttl(now), nodes, modifiedIndex, createdIndex);
        }
        return new NodeExtern(path, value, false, expireTime, ttl(now), List.of(), modifiedIndex, createdIndex);
    }

    /**
     * etcd's {@code loadInternalNode}, used by Get: reports {@code key} as the caller spelled it, and
     * always lists one level of a directory's children (deeper only if recursive).
     */
    NodeExtern load(String key, boolean recursive, boolean sorted, Instant now) {
        if (isDir()) {
            return new NodeExtern(key, null, true, expireTime, ttl(now), listChildren(recursive, sorted, now),
                    modifiedIndex, createdIndex);
        }
        return new NodeExtern(key, value, false, expireTime, ttl(now), List.of(), modifiedIndex, createdIndex);
    }

    private List<NodeExtern> listChildren(boolean recursive, boolean sorted, Instant now) {
        List<NodeExtern> nodes = new ArrayList<>(children.size());
        for (Node child : children.values()) {
            if (!child.isHidden()) {
                nodes.add(child.repr(recursive, sorted, now));
            }
        }
        if (sorted) {
            nodes.sort((a, b) -> GoPath.compare(a.key(), b.key()));
        }
        return nodes;
    }

    /** etcd's {@code UpdateTTL}: null makes the node permanent; keeps the heap in step. */
    void updateTtl(Instant newExpireTime, TtlKeyHeap heap) {
        if (!isPermanent()) {
            expireTime = newExpireTime;
            if (newExpireTime == null) {
                heap.remove(this);
            } else {
                heap.update(this);
            }
            return;
        }
        if (newExpireTime == null) {
            return;
        }
        expireTime = newExpireTime;
        heap.push(this);
    }

    /** etcd's {@code Compare}: an empty prevValue or zero prevIndex matches anything. */
    int compare(String prevValue, long prevIndex) {
        boolean indexMatch = prevIndex == 0 || modifiedIndex == prevIndex;
        boolean valueMatch = prevValue.isEmpty() || value.equals(prevValue);
        if (valueMatch && indexMatch) {
            return MATCH;
        }
        if (indexMatch) {
            return VALUE_NOT_MATCH;
        }
        return valueMatch ? INDEX_NOT_MATCH : NOT_MATCH;
    }

    /** A deep copy of this subtree (not in any heap) attached to {@code newParent}. */
    Node copy(Node newParent) {
        Node c = new Node(path, createdIndex, newParent, expireTime, value, isDir() ? new LinkedHashMap<>() : null);
        c.modifiedIndex = modifiedIndex;
        if (isDir()) {
            for (Map.Entry<String, Node> e : children.entrySet()) {
                c.children.put(e.getKey(), e.getValue().copy(c));
            }
        }
        return c;
    }

    /** etcd's {@code recoverAndclean}: pushes every node with a TTL into the heap, children first. */
    void pushTtlNodes(TtlKeyHeap heap) {
        if (isDir()) {
            for (Node child : children.values()) {
                child.pushTtlNodes(heap);
            }
        }
        if (!isPermanent()) {
            heap.push(this);
        }
    }
}
