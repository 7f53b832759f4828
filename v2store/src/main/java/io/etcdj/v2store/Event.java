package io.etcdj.v2store;

/**
 * etcd's v2 {@code Event}: the result of a store operation and what watchers receive.
 *
 * @param action    what happened
 * @param node      the node after the action (for delete/expire: key and indexes only); may be
 *                  {@code null} only in events built by callers (v2http's {@code noValueOnSuccess})
 * @param prevNode  the node before the action, or {@code null}
 * @param etcdIndex the store index when the event was produced (the {@code X-Etcd-Index} header; not in JSON)
 * @param refresh   whether it was a TTL refresh
 */
public record Event(Action action, NodeExtern node, NodeExtern prevNode, long etcdIndex, boolean refresh) {

    /** The event's index: the node's modified index. */
    public long index() {
        return node.modifiedIndex();
    }

    /** Whether etcd answers this event with HTTP 201: a create, or a set of a key that did not exist. */
    public boolean isCreated() {
        return action == Action.CREATE || action == Action.SET && prevNode == null;
    }

    public Event withEtcdIndex(long newEtcdIndex) {
        return new Event(action, node, prevNode, newEtcdIndex, refresh);
    }

    /** v2http's {@code trimEventPrefix}: keys of node, prevNode and their children without {@code prefix}. */
    public Event withoutKeyPrefix(String prefix) {
        return new Event(action,
                node == null ? null : node.withoutKeyPrefix(prefix),
                prevNode == null ? null : prevNode.withoutKeyPrefix(prefix),
                etcdIndex, refresh);
    }
}
