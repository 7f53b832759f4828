package io.etcdj.v2store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The v2 store snapshot in etcd 3.4's own format: {@code json.Marshal} of its {@code store} struct,
 * which is what etcd puts in Raft snapshot data. Layout:
 * <pre>
 * {"Root":NODE,
 *  "WatcherHub":{"EventHistory":{"Queue":{"Events":[EVENT|null x Capacity],"Size":n,"Front":n,"Back":n,"Capacity":n},
 *                                "StartIndex":n,"LastIndex":n}},
 *  "CurrentIndex":n,"Stats":{...same as /v2/stats/store...},"CurrentVersion":2}
 * NODE = {"Path":s,"CreatedIndex":n,"ModifiedIndex":n,"ExpireTime":RFC3339,"Value":s,"Children":{name:NODE,...}|null}
 * </pre>
 * Permanent nodes carry Go's zero time "0001-01-01T00:00:00Z"; children are written in key order
 * (Go sorts map keys); a file has {@code "Children":null}. History events are encoded as on the
 * wire, so their {@code etcdIndex} is not kept (etcd re-stamps events served from history anyway).
 * We write times in UTC; etcd writes its local zone, and any offset is accepted when reading.
 */
final class SnapshotCodec {
    /** What a snapshot holds. */
    record State(Node root, EventHistory history, long currentIndex, StatsCounter stats, int version) {
    }

    private SnapshotCodec() {
    }

    static byte[] encode(State st) {
        StringBuilder b = new StringBuilder(4096);
        b.append("{\"Root\":");
        appendNode(b, st.root());
        EventHistory h = st.history();
        b.append(",\"WatcherHub\":{\"EventHistory\":{\"Queue\":{\"Events\":[");
        for (int i = 0; i < h.capacity; i++) {
            if (i > 0) {
                b.append(',');
            }
            if (h.events[i] == null) {
                b.append("null");
            } else {
                V2Json.appendEvent(b, h.events[i]);
            }
        }
        b.append("],\"Size\":").append(h.size)
                .append(",\"Front\":").append(h.front)
                .append(",\"Back\":").append(h.back)
                .append(",\"Capacity\":").append(h.capacity)
                .append("},\"StartIndex\":").append(Long.toUnsignedString(h.startIndex))
                .append(",\"LastIndex\":").append(Long.toUnsignedString(h.lastIndex))
                .append("}},\"CurrentIndex\":").append(Long.toUnsignedString(st.currentIndex()))
                .append(",\"Stats\":").append(V2Json.stats(st.stats().snapshot(st.stats().reportedWatchers())))
                .append(",\"CurrentVersion\":").append(st.version())
                .append('}');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendNode(StringBuilder b, Node n) {
        b.append("{\"Path\":");
        GoJson.appendString(b, n.path);
        b.append(",\"CreatedIndex\":").append(Long.toUnsignedString(n.createdIndex))
                .append(",\"ModifiedIndex\":").append(Long.toUnsignedString(n.modifiedIndex))
                .append(",\"ExpireTime\":\"")
                .append(GoTime.rfc3339Nano(n.expireTime == null ? GoTime.ZERO : n.expireTime))
                .append("\",\"Value\":");
        GoJson.appendString(b, n.value);
        b.append(",\"Children\":");
        if (!n.isDir()) {
            b.append("null}");
            return;
        }
        b.append('{');
        List<String> names = new ArrayList<>(n.children.keySet());
        names.sort(GoPath::compare);
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            GoJson.appendString(b, names.get(i));
            b.append(':');
            appendNode(b, n.children.get(names.get(i)));
        }
        b.append("}}");
    }

    /** Parses a snapshot; throws IllegalArgumentException if it is not one. */
    static State decode(byte[] data) {
        Map<String, Object> top = object(JsonParser.parse(new String(data, StandardCharsets.UTF_8)), "snapshot");
        Object rootJson = top.get("Root");
        if (rootJson == null) {
            throw new IllegalArgumentException("v2 store snapshot has no Root");
        }
        Node root = node(object(rootJson, "Root"), null);
        Map<String, Object> hub = object(top.getOrDefault("WatcherHub", Map.of()), "WatcherHub");
        Map<String, Object> eh = object(hub.getOrDefault("EventHistory", Map.of()), "EventHistory");
        Map<String, Object> queue = object(eh.getOrDefault("Queue", Map.of()), "Queue");
        int capacity = (int) signed(queue.get("Capacity"), 1000);
        List<?> eventsJson = queue.get("Events") == null ? null : list(queue.get("Events"), "Events");
        Event[] events = new Event[eventsJson == null ? capacity : eventsJson.size()];
        for (int i = 0; eventsJson != null && i < events.length; i++) {
            Object ev = eventsJson.get(i);
            events[i] = ev == null ? null : event(object(ev, "event"));
        }
        EventHistory history = new EventHistory(capacity, events, (int) signed(queue.get("Size"), 0),
                (int) signed(queue.get("Front"), 0), (int) signed(queue.get("Back"), 0),
                unsigned(eh.get("StartIndex")), unsigned(eh.get("LastIndex")));
        Map<String, Object> st = object(top.getOrDefault("Stats", Map.of()), "Stats");
        StatsCounter stats = StatsCounter.of(new StoreStats(
                unsigned(st.get("getsSuccess")), unsigned(st.get("getsFail")),
                unsigned(st.get("setsSuccess")), unsigned(st.get("setsFail")),
                unsigned(st.get("deleteSuccess")), unsigned(st.get("deleteFail")),
                unsigned(st.get("updateSuccess")), unsigned(st.get("updateFail")),
                unsigned(st.get("createSuccess")), unsigned(st.get("createFail")),
                unsigned(st.get("compareAndSwapSuccess")), unsigned(st.get("compareAndSwapFail")),
                unsigned(st.get("compareAndDeleteSuccess")), unsigned(st.get("compareAndDeleteFail")),
                unsigned(st.get("expireCount")), unsigned(st.get("watchers"))));
        return new State(root, history, unsigned(top.get("CurrentIndex")), stats,
                (int) signed(top.get("CurrentVersion"), V2Store.DEFAULT_VERSION));
    }

    private static Node node(Map<String, Object> m, Node parent) {
        String path = string(m.get("Path"), "");
        Instant expire = m.get("ExpireTime") == null ? null : GoTime.parseRfc3339(string(m.get("ExpireTime"), ""));
        if (GoTime.ZERO.equals(expire)) {
            expire = null;
        }
        Object childrenJson = m.get("Children");
        Node n = childrenJson == null
                ? Node.file(path, string(m.get("Value"), ""), unsigned(m.get("CreatedIndex")), parent, expire)
                : Node.dir(path, unsigned(m.get("CreatedIndex")), parent, expire);
        n.modifiedIndex = unsigned(m.get("ModifiedIndex"));
        if (childrenJson != null) {
            n.value = string(m.get("Value"), "");
            for (Map.Entry<String, Object> e : object(childrenJson, "Children").entrySet()) {
                n.children.put(e.getKey(), node(object(e.getValue(), "node"), n));
            }
        }
        return n;
    }

    private static Event event(Map<String, Object> m) {
        Action action = Action.fromWireName(string(m.get("action"), ""));
        NodeExtern node = m.get("node") == null ? null : nodeExtern(object(m.get("node"), "node"));
        NodeExtern prev = m.get("prevNode") == null ? null : nodeExtern(object(m.get("prevNode"), "prevNode"));
        if (node == null) {
            throw new IllegalArgumentException("history event without node");
        }
        return new Event(action, node, prev, 0, Boolean.TRUE.equals(m.get("refresh")));
    }

    private static NodeExtern nodeExtern(Map<String, Object> m) {
        List<NodeExtern> nodes = new ArrayList<>();
        if (m.get("nodes") != null) {
            for (Object o : list(m.get("nodes"), "nodes")) {
                nodes.add(nodeExtern(object(o, "node")));
            }
        }
        Instant expiration = m.get("expiration") == null ? null : GoTime.parseRfc3339(string(m.get("expiration"), ""));
        return new NodeExtern(string(m.get("key"), ""), m.get("value") == null ? null : string(m.get("value"), ""),
                Boolean.TRUE.equals(m.get("dir")), expiration, signed(m.get("ttl"), 0), nodes,
                unsigned(m.get("modifiedIndex")), unsigned(m.get("createdIndex")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("v2 store snapshot: " + what + " is not an object");
    }

    private static List<?> list(Object o, String what) {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("v2 store snapshot: " + what + " is not an array");
    }

    private static String string(Object o, String absent) {
        if (o == null) {
            return absent;
        }
        if (o instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("v2 store snapshot: expected a string, got " + o);
    }

    private static long unsigned(Object o) {
        if (o == null) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(number(o));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("v2 store snapshot: bad uint64 " + o, e);
        }
    }

    private static long signed(Object o, long absent) {
        if (o == null) {
            return absent;
        }
        try {
            return Long.parseLong(number(o));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("v2 store snapshot: bad integer " + o, e);
        }
    }

    private static String number(Object o) {
        if (o instanceof JsonParser.JsonNumber n) {
            return n.text();
        }
        throw new IllegalArgumentException("v2 store snapshot: expected a number, got " + o);
    }
}
