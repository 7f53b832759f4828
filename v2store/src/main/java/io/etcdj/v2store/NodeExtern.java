package io.etcdj.v2store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's {@code NodeExtern}: the external, immutable view of a node in a response or event.
 *
 * @param key           the node's path ("" is omitted from JSON)
 * @param value         a file's value, or {@code null} for a directory (an empty value is still written)
 * @param dir           whether the node is a directory
 * @param expiration    expiry instant, or {@code null} when permanent
 * @param ttl           remaining seconds as etcd computes it at read time (0 when permanent)
 * @param nodes         listed children (empty when not listed)
 * @param modifiedIndex uint64 modified index
 * @param createdIndex  uint64 created index
 */
public record NodeExtern(String key, String value, boolean dir, Instant expiration, long ttl,
                         List<NodeExtern> nodes, long modifiedIndex, long createdIndex) {
    public NodeExtern {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** This node and its listed children with {@code prefix} trimmed from the start of their keys (v2http's "/1"). */
    public NodeExtern withoutKeyPrefix(String prefix) {
        List<NodeExtern> trimmed = new ArrayList<>(nodes.size());
        for (NodeExtern child : nodes) {
            trimmed.add(child.withoutKeyPrefix(prefix));
        }
        String k = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
        return new NodeExtern(k, value, dir, expiration, ttl, trimmed, modifiedIndex, createdIndex);
    }
}
