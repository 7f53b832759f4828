package io.etcdj.v2store;

import io.etcdj.v2store.StatsCounter.Stat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * etcd 3.4's v2 store: a tree of directories and files with TTLs, a global index, an event history
 * of the last {@value #HISTORY_CAPACITY} events, watchers and counters, with etcd's exact results,
 * errors, indexes and stats (including etcd's quirks, noted where they occur).
 *
 * <p>Pure and deterministic: it never reads a clock on its own. Expiry happens only in
 * {@link #deleteExpiredKeys(Instant)} with the cutoff the caller passes (in etcd, the leader's
 * SYNC request time, applied through Raft); the injected {@link InstantSource} is used only to
 * compute the remaining {@code ttl} shown in results. Applying the same operations in the same
 * order gives the same tree, indexes, events and snapshot on every member.
 *
 * <p>Thread-safe: every operation runs under one lock; watcher listeners run after it is released.
 * Every failure is a {@link V2Error}.
 *
 * <p>How etcd 3.4's server uses it (etcdserver/server.go, apply_v2.go, api/v2http/client.go): the
 * store is created with namespaces {@code "/0"} (cluster data: {@code /0/members/<id>/...},
 * {@code /0/version}, {@code /0/removed_members}) and {@code "/1"} (user keys), both read-only
 * like {@code "/"}. {@code /v2/keys/<p>} maps to store path {@code path.Join("/1", p)}; before
 * answering, v2http trims {@code "/1"} from node, prevNode and child keys
 * ({@link Event#withoutKeyPrefix}) and from error causes ({@link V2Error#withoutCausePrefix}), so
 * {@code GET /v2/keys/} answers a node with no key. Writes go through Raft: POST is
 * {@link #create} with unique=true; PUT is update (prevExist=true, no prev conditions),
 * compareAndSwap (prevIndex/prevValue given), create (prevExist=false) or {@link #set}; DELETE is
 * compareAndDelete (prevIndex/prevValue given) or {@link #delete}; SYNC is
 * {@link #deleteExpiredKeys}. Quorum GETs ({@code quorum=true}) also go through Raft;
 * other GETs and watches are answered locally. Events answer with {@code X-Etcd-Index:
 * etcdIndex} and status 201 when {@link Event#isCreated()}; watches with
 * {@code X-Etcd-Index: startIndex}. {@link V2Service} does all of this for the server.
 */
public final class V2Store {
    /** etcd's {@code defaultVersion}. */
    static final int DEFAULT_VERSION = 2;
    /** Events kept for watchers to resume from. */
    public static final int HISTORY_CAPACITY = 1000;
    /** Expiry times before this are taken as "no TTL" by create/set (they come from zero times serialised by JS clients). */
    static final Instant MIN_EXPIRE_TIME = Instant.parse("2000-01-01T00:00:00Z");

    private final Object lock = new Object();
    private final InstantSource clock;
    private final List<String> namespaces;
    private final Set<String> readOnly;
    private final WatcherHub hub;
    private final TtlKeyHeap ttlHeap;
    private Node root;
    private long currentIndex;
    private StatsCounter stats;
    private int currentVersion;

    /**
     * An empty store whose root holds the given permanent, read-only directories
     * (etcd's server uses {@code "/0", "/1"}).
     *
     * @param clock used only to compute remaining TTLs shown in results
     */
    public V2Store(InstantSource clock, String... namespaces) {
        this(clock, List.of(namespaces), HISTORY_CAPACITY);
    }

    V2Store(InstantSource clock, List<String> namespaces, int historyCapacity) {
        this.clock = clock;
        this.namespaces = List.copyOf(namespaces);
        this.currentVersion = DEFAULT_VERSION;
        this.root = Node.dir("/", 0, null, null);
        for (String ns : this.namespaces) {
            root.add(Node.dir(ns, 0, root, null));
        }
        this.stats = new StatsCounter();
        this.hub = new WatcherHub(new EventHistory(historyCapacity));
        this.ttlHeap = new TtlKeyHeap();
        Set<String> ro = new LinkedHashSet<>(this.namespaces);
        ro.add("/");
        this.readOnly = Collections.unmodifiableSet(ro);
    }

    /** The store format version (2). */
    public int version() {
        synchronized (lock) {
            return currentVersion;
        }
    }

    /** The current index (uint64): the index of the last successful write. */
    public long index() {
        synchronized (lock) {
            return currentIndex;
        }
    }

    /**
     * Reads a node. A directory lists its non-hidden children (and theirs, if recursive), sorted by
     * key if {@code sorted}. The event's node key is {@code nodePath} as given.
     *
     * @throws V2Error 100 if missing, 104 if a path component is a file
     */
    public Event get(String nodePath, boolean recursive, boolean sorted) {
        return locked(() -> {
            try {
                Node n = internalGet(nodePath);
                NodeExtern node = n.load(nodePath, recursive, sorted, clock.instant());
                stats.inc(Stat.GETS_SUCCESS);
                return new Event(Action.GET, node, null, currentIndex, false);
            } catch (V2Error e) {
                stats.inc(Stat.GETS_FAIL);
                throw e;
            }
        });
    }

    /**
     * Creates a node that must not exist, creating missing parent directories. With {@code unique},
     * creates {@code nodePath/<next index as 20 zero-padded digits>} (in-order keys). A refresh flag
     * in {@code expire} is ignored, as by etcd.
     *
     * @throws V2Error 105 if it exists, 104 if a parent is a file, 107 on a read-only path
     */
    public Event create(String nodePath, boolean dir, String value, boolean unique, ExpireOptions expire) {
        return locked(() -> {
            try {
                Event e = internalCreate(nodePath, dir, value, unique, false, expire.expireTime(), Action.CREATE)
                        .withEtcdIndex(currentIndex);
                hub.notify(e);
                stats.inc(Stat.CREATE_SUCCESS);
                return e;
            } catch (V2Error err) {
                stats.inc(Stat.CREATE_FAIL);
                throw err;
            }
        });
    }

    /**
     * Creates or replaces a file, or creates a directory (a directory cannot be replaced).
     * A refresh keeps the current value, requires the key to exist, and is not sent to watchers.
     * Replacing resets the created index. prevNode's key is {@code nodePath} as given.
     *
     * @throws V2Error 102 if a directory exists there, 104, 107, or 100 for a refresh of a missing key
     */
    public Event set(String nodePath, boolean dir, String value, ExpireOptions expire) {
        return locked(() -> {
            try {
                Node existing = null;
                V2Error getErr = null;
                try {
                    existing = internalGet(nodePath);
                } catch (V2Error e) {
                    if (e.code() != V2ErrorCode.KEY_NOT_FOUND) {
                        throw e;
                    }
                    getErr = e;
                }
                String newValue = value;
                if (expire.refresh()) {
                    if (getErr != null) {
                        throw getErr;
                    }
                    newValue = existing.value;
                }
                Event created = internalCreate(nodePath, dir, newValue, false, true, expire.expireTime(), Action.SET);
                NodeExtern prev = existing == null ? null : existing.load(nodePath, false, false, clock.instant());
                Event e = new Event(Action.SET, created.node(), prev, currentIndex, expire.refresh());
                publish(e);
                stats.inc(Stat.SETS_SUCCESS);
                return e;
            } catch (V2Error err) {
                stats.inc(Stat.SETS_FAIL);
                throw err;
            }
        });
    }

    /**
     * Changes a file's value and TTL, or a directory's TTL (its value must be empty). No TTL makes
     * the node permanent. A refresh keeps the value and is not sent to watchers.
     *
     * @throws V2Error 100, 104, 102 (non-empty value for a directory), 107
     */
    public Event update(String nodePath, String newValue, ExpireOptions expire) {
        return locked(() -> {
            String p = GoPath.cleanAbsolute(nodePath);
            if (readOnly.contains(p)) {
                throw countedAsSuccess(Stat.UPDATE_SUCCESS, V2ErrorCode.ROOT_READ_ONLY, "/");
            }
            long nextIndex = currentIndex + 1;
            Node n;
            try {
                n = internalGet(p);
            } catch (V2Error err) {
                stats.inc(Stat.UPDATE_FAIL);
                throw err;
            }
            if (n.isDir() && !newValue.isEmpty()) {
                throw countedAsSuccess(Stat.UPDATE_SUCCESS, V2ErrorCode.NOT_FILE, p);
            }
            String value = expire.refresh() ? n.value : newValue;
            Instant now = clock.instant();
            NodeExtern prev = n.repr(false, false, now);
            n.write(value, nextIndex);
            n.updateTtl(expire.expireTime(), ttlHeap);
            NodeExtern node = new NodeExtern(p, n.isDir() ? null : value, n.isDir(), n.expireTime, n.ttl(now),
                    List.of(), nextIndex, n.createdIndex);
            Event e = new Event(Action.UPDATE, node, prev, nextIndex, expire.refresh());
            publish(e);
            currentIndex = nextIndex;
            stats.inc(Stat.UPDATE_SUCCESS);
            return e;
        });
    }

    /**
     * Replaces a file's value if it matches {@code prevValue} (unless empty) and {@code prevIndex}
     * (unless 0). The failure cause is etcd's "[prevValue != value]", "[prevIndex != index]" or both.
     *
     * @throws V2Error 101 on mismatch, 100, 102 for a directory, 104, 107
     */
    public Event compareAndSwap(String nodePath, String prevValue, long prevIndex, String value,
                                ExpireOptions expire) {
        return locked(() -> {
            String p = GoPath.cleanAbsolute(nodePath);
            if (readOnly.contains(p)) {
                throw countedAsSuccess(Stat.CAS_SUCCESS, V2ErrorCode.ROOT_READ_ONLY, "/");
            }
            try {
                Node n = internalGet(p);
                if (n.isDir()) {
                    throw new V2Error(V2ErrorCode.NOT_FILE, p, currentIndex);
                }
                int which = n.compare(prevValue, prevIndex);
                if (which != Node.MATCH) {
                    throw new V2Error(V2ErrorCode.TEST_FAILED, compareFailCause(n, which, prevValue, prevIndex),
                            currentIndex);
                }
                String newValue = expire.refresh() ? n.value : value;
                currentIndex++;
                Instant now = clock.instant();
                NodeExtern prev = n.repr(false, false, now);
                n.write(newValue, currentIndex);
                n.updateTtl(expire.expireTime(), ttlHeap);
                NodeExtern node = new NodeExtern(p, newValue, false, n.expireTime, n.ttl(now), List.of(),
                        currentIndex, n.createdIndex);
                Event e = new Event(Action.COMPARE_AND_SWAP, node, prev, currentIndex, expire.refresh());
                publish(e);
                stats.inc(Stat.CAS_SUCCESS);
                return e;
            } catch (V2Error err) {
                stats.inc(Stat.CAS_FAIL);
                throw err;
            }
        });
    }

    /**
     * Deletes a file, or a directory if {@code dir} (empty) or {@code recursive} (implies dir).
     * Watchers of every removed node are notified.
     *
     * @throws V2Error 100, 102 (directory without dir), 108 (non-empty without recursive), 104, 107
     */
    public Event delete(String nodePath, boolean dir, boolean recursive) {
        return locked(() -> {
            String p = GoPath.cleanAbsolute(nodePath);
            if (readOnly.contains(p)) {
                throw countedAsSuccess(Stat.DELETE_SUCCESS, V2ErrorCode.ROOT_READ_ONLY, "/");
            }
            try {
                Node n = internalGet(p);
                long nextIndex = currentIndex + 1;
                NodeExtern node = new NodeExtern(p, null, n.isDir(), null, 0, List.of(), nextIndex, n.createdIndex);
                Event e = new Event(Action.DELETE, node, n.repr(false, false, clock.instant()), nextIndex, false);
                n.remove(dir || recursive, recursive, notifyDeleted(e), ttlHeap, currentIndex);
                currentIndex++;
                hub.notify(e);
                stats.inc(Stat.DELETE_SUCCESS);
                return e;
            } catch (V2Error err) {
                stats.inc(Stat.DELETE_FAIL);
                throw err;
            }
        });
    }

    /**
     * Deletes a file if it matches {@code prevValue} (unless empty) and {@code prevIndex} (unless 0).
     * Unlike the other writes, etcd does not check for read-only paths here.
     *
     * @throws V2Error 101 on mismatch, 100, 102 for a directory, 104
     */
    public Event compareAndDelete(String nodePath, String prevValue, long prevIndex) {
        return locked(() -> {
            String p = GoPath.cleanAbsolute(nodePath);
            Node n;
            try {
                n = internalGet(p);
            } catch (V2Error err) {
                stats.inc(Stat.CAD_FAIL);
                throw err;
            }
            if (n.isDir()) {
                throw countedAsSuccess(Stat.CAD_SUCCESS, V2ErrorCode.NOT_FILE, p);
            }
            int which = n.compare(prevValue, prevIndex);
            if (which != Node.MATCH) {
                throw countedAsSuccess(Stat.CAD_SUCCESS, V2ErrorCode.TEST_FAILED,
                        compareFailCause(n, which, prevValue, prevIndex));
            }
            currentIndex++;
            NodeExtern node = new NodeExtern(p, null, false, null, 0, List.of(), currentIndex, n.createdIndex);
            Event e = new Event(Action.COMPARE_AND_DELETE, node, n.repr(false, false, clock.instant()),
                    currentIndex, false);
            n.remove(false, false, notifyDeleted(e), ttlHeap, currentIndex);
            hub.notify(e);
            stats.inc(Stat.CAD_SUCCESS);
            return e;
        });
    }

    /**
     * Watches {@code key} (and everything below it if recursive) for events with index &ge;
     * {@code sinceIndex} (0 means the next index). If the history already has a matching event the
     * watcher holds it at once; a stream watcher then still gets nothing more, as in etcd.
     *
     * @throws V2Error 401 if {@code sinceIndex} is older than the history kept
     */
    public Watcher watch(String key, boolean recursive, boolean stream, long sinceIndex) {
        synchronized (lock) {
            String k = GoPath.cleanAbsolute(key);
            long since = sinceIndex == 0 ? currentIndex + 1 : sinceIndex;
            return hub.watch(k, recursive, stream, since, currentIndex);
        }
    }

    /**
     * Removes every node whose expiry is not after {@code cutoff}, earliest first, each as an
     * "expire" event with its own index.
     */
    public void deleteExpiredKeys(Instant cutoff) {
        locked(() -> {
            while (true) {
                Node n = ttlHeap.top();
                if (n == null || n.expireTime.isAfter(cutoff)) {
                    return null;
                }
                currentIndex++;
                NodeExtern node = new NodeExtern(n.path, null, n.isDir(), null, 0, List.of(), currentIndex,
                        n.createdIndex);
                Event e = new Event(Action.EXPIRE, node, n.repr(false, false, clock.instant()), currentIndex, false);
                ttlHeap.pop();
                n.remove(true, true, notifyDeleted(e), ttlHeap, currentIndex);
                stats.inc(Stat.EXPIRE_COUNT);
                hub.notify(e);
            }
        });
    }

    /**
     * The node at {@code nodePath} (with its children, all levels when {@code recursive}, sorted by
     * key), or null when there is none. Unlike {@link #get}, it leaves the get counters alone: for
     * the server's own bookkeeping reads (etcd consults its in-memory cluster there, not the store).
     */
    NodeExtern peek(String nodePath, boolean recursive) {
        synchronized (lock) {
            try {
                return internalGet(nodePath).load(nodePath, recursive, true, clock.instant());
            } catch (V2Error missing) {
                return null;
            }
        }
    }

    /** Whether any node has a TTL (etcd's server only proposes SYNC requests then). */
    public boolean hasTtlKeys() {
        synchronized (lock) {
            return ttlHeap.size() != 0;
        }
    }

    /** The counters now, with the current number of registered watchers. */
    public StoreStats stats() {
        synchronized (lock) {
            return stats.snapshot(hub.count());
        }
    }

    /** The {@code /v2/stats/store} body (UTF-8 JSON, no trailing newline). */
    public byte[] jsonStats() {
        synchronized (lock) {
            long watchers = hub.count();
            stats.setReportedWatchers(watchers);
            return V2Json.stats(stats.snapshot(watchers)).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The snapshot etcd stores in Raft snapshot data: tree, index, event history and stats, in
     * etcd 3.4's JSON format (see {@link SnapshotCodec}); watchers are not saved. For a large store,
     * {@code copy().save()} keeps the lock short, as etcd's server does.
     */
    public byte[] save() {
        synchronized (lock) {
            return SnapshotCodec.encode(
                    new SnapshotCodec.State(root, hub.history, currentIndex, stats, currentVersion));
        }
    }

    /**
     * Replaces tree, index, history and stats with a snapshot from {@link #save()} or from etcd.
     * Registered watchers stay. Nodes already expired stay until the next
     * {@link #deleteExpiredKeys}, as in etcd.
     *
     * @throws IllegalArgumentException if {@code state} is not a v2 store snapshot (the store is unchanged)
     */
    public void recovery(byte[] state) {
        SnapshotCodec.State st = SnapshotCodec.decode(state);
        synchronized (lock) {
            root = st.root();
            hub.history = st.history();
            currentIndex = st.currentIndex();
            stats = st.stats();
            currentVersion = st.version();
            rebuildTtlHeap();
        }
    }

    /**
     * An independent copy of the tree, index, history and stats, with no watchers. Unlike etcd's
     * (whose clone is only good for saving), it is a fully working store.
     */
    public V2Store copy() {
        synchronized (lock) {
            V2Store c = new V2Store(clock, namespaces, hub.history.capacity);
            c.root = root.copy(null);
            c.hub.history = hub.history.copy();
            c.currentIndex = currentIndex;
            c.stats = stats.copy();
            c.currentVersion = currentVersion;
            c.rebuildTtlHeap();
            return c;
        }
    }

    private void rebuildTtlHeap() {
        while (ttlHeap.size() > 0) {
            ttlHeap.pop();
        }
        root.pushTtlNodes(ttlHeap);
    }

    /**
     * etcd's {@code internalCreate}. Returns an event without etcdIndex; advances the index.
     * A failure while walking the parents also counts a set failure, as in etcd.
     */
    private Event internalCreate(String rawPath, boolean dir, String value, boolean unique, boolean replace,
                                 Instant expireTime, Action action) {
        long currIndex = currentIndex;
        long nextIndex = currentIndex + 1;
        String nodePath = rawPath;
        if (unique) {
            nodePath += "/" + uniqueName(nextIndex);
        }
        nodePath = GoPath.cleanAbsolute(nodePath);
        if (readOnly.contains(nodePath)) {
            throw new V2Error(V2ErrorCode.ROOT_READ_ONLY, "/", currIndex);
        }
        if (expireTime != null && expireTime.isBefore(MIN_EXPIRE_TIME)) {
            expireTime = null;
        }
        Node d;
        try {
            d = walk(GoPath.dir(nodePath), this::checkDir);
        } catch (V2Error err) {
            stats.inc(Stat.SETS_FAIL);
            throw err.withIndex(currIndex);
        }
        String name = GoPath.base(nodePath);
        Instant now = clock.instant();
        Node existing = d.children.get(name);
        NodeExtern prev = null;
        if (existing != null) {
            if (!replace) {
                throw new V2Error(V2ErrorCode.NODE_EXIST, nodePath, currIndex);
            }
            if (existing.isDir()) {
                throw new V2Error(V2ErrorCode.NOT_FILE, nodePath, currIndex);
            }
            prev = existing.repr(false, false, now);
            existing.remove(false, false, null, ttlHeap, currIndex);
        }
        Node n = dir ? Node.dir(nodePath, nextIndex, d, expireTime)
                : Node.file(nodePath, value, nextIndex, d, expireTime);
        d.add(n);
        if (!n.isPermanent()) {
            ttlHeap.push(n);
        }
        currentIndex = nextIndex;
        NodeExtern node = new NodeExtern(nodePath, dir ? null : value, dir, n.expireTime, n.ttl(now), List.of(),
                nextIndex, nextIndex);
        return new Event(action, node, prev, 0, false);
    }

    /** The name of an in-order key: the index, zero-padded to 20 digits (Go's {@code %020s}). */
    static String uniqueName(long index) {
        String digits = Long.toUnsignedString(index);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    /** etcd's {@code internalGet}: the node at the cleaned path. */
    private Node internalGet(String nodePath) {
        return walk(GoPath.cleanAbsolute(nodePath), (parent, name) -> {
            if (!parent.isDir()) {
                throw new V2Error(V2ErrorCode.NOT_DIR, parent.path, currentIndex);
            }
            Node child = parent.children.get(name);
            if (child == null) {
                throw new V2Error(V2ErrorCode.KEY_NOT_FOUND, GoPath.join(parent.path, name), currentIndex);
            }
            return child;
        });
    }

    /** etcd's {@code checkDir}: the child directory, created (index = next index) if missing. */
    private Node checkDir(Node parent, String dirName) {
        Node n = parent.children.get(dirName);
        if (n != null) {
            if (n.isDir()) {
                return n;
            }
            throw new V2Error(V2ErrorCode.NOT_DIR, n.path, currentIndex);
        }
        Node created = Node.dir(GoPath.join(parent.path, dirName), currentIndex + 1, parent, null);
        parent.children.put(dirName, created);
        return created;
    }

    /** One step of {@link #walk}: from a directory to its named child. */
    private interface Step {
        Node apply(Node parent, String component);
    }

    /** etcd's {@code walk}: applies {@code step} to each component until the first empty one. */
    private Node walk(String nodePath, Step step) {
        String[] components = nodePath.split("/", -1);
        Node curr = root;
        for (int i = 1; i < components.length; i++) {
            if (components[i].isEmpty()) {
                return curr;
            }
            curr = step.apply(curr, components[i]);
        }
        return curr;
    }

    /** Notifies watchers (or, for refreshes, only the history). */
    private void publish(Event e) {
        if (e.refresh()) {
            hub.add(e);
        } else {
            hub.notify(e);
        }
    }

    /** Tells watchers of each removed node about {@code e}. */
    private Consumer<String> notifyDeleted(Event e) {
        return path -> hub.notifyWatchers(e, path, true);
    }

    /**
     * etcd returns some errors without assigning the variable its deferred stats hook inspects,
     * so they are counted as successes; kept so /v2/stats/store matches etcd.
     */
    private V2Error countedAsSuccess(Stat successStat, V2ErrorCode code, String cause) {
        stats.inc(successStat);
        return new V2Error(code, cause, currentIndex);
    }

    private static String compareFailCause(Node n, int which, String prevValue, long prevIndex) {
        String indexPart = "[" + Long.toUnsignedString(prevIndex) + " != " + Long.toUnsignedString(n.modifiedIndex) + "]";
        String valuePart = "[" + prevValue + " != " + n.value + "]";
        return switch (which) {
            case Node.INDEX_NOT_MATCH -> indexPart;
            case Node.VALUE_NOT_MATCH -> valuePart;
            default -> valuePart + " " + indexPart;
        };
    }

    /** Runs {@code op} under the lock, then signals the watchers it fed once the lock is released. */
    private <T> T locked(Supplier<T> op) {
        List<Watcher> signals = List.of();
        try {
            synchronized (lock) {
                try {
                    return op.get();
                } finally {
                    signals = hub.takeSignals();
                }
            }
        } finally {
            for (Watcher w : signals) {
                w.signal();
            }
        }
    }

    /** For tests: the watchers registered in total. */
    long watcherCount() {
        return hub.count();
    }

    /** For tests: nodes currently in the TTL heap. */
    int ttlHeapSize() {
        synchronized (lock) {
            return ttlHeap.size();
        }
    }

    /** For tests: a listing of all paths, depth-first, to compare trees. */
    List<String> dumpTree() {
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            dump(root, out);
            return out;
        }
    }

    private static void dump(Node n, List<String> out) {
        out.add(n.path + (n.isDir() ? "/" : "=" + n.value) + " c" + n.createdIndex + " m" + n.modifiedIndex
                + (n.expireTime == null ? "" : " x" + n.expireTime));
        if (n.isDir()) {
            List<String> names = new ArrayList<>(n.children.keySet());
            names.sort(GoPath::compare);
            for (String name : names) {
                dump(n.children.get(name), out);
            }
        }
    }
}
