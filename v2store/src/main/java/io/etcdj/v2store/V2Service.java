package io.etcdj.v2store;

import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.V2Answer;
import java.time.InstantSource;

/**
 * The server side of etcd 3.4's v2 keys API: one {@link V2Store} with etcd's namespaces
 * {@value #CLUSTER_PREFIX} (membership, see {@link #cluster()}) and {@value #KEYS_PREFIX} (user keys),
 * applied and read exactly as etcdserver/apply_v2.go and v2_server.go do, answered as
 * api/v2http/client.go writes the HTTP response ({@link V2Answers}).
 *
 * <p>How the server uses it ({@link V2Requests#route} says which): writes and quorum reads are
 * proposed ({@link V2Requests#forProposal}) and, once committed, every member calls
 * {@link #apply} in log order; plain GET/HEAD go to {@link #read}; GET with wait to {@link #watch}.
 * The leader proposes {@link V2Requests#sync} every {@link V2Requests#SYNC_INTERVAL} while
 * {@link #hasTtlKeys()}. Request paths are store paths ({@link V2Requests#keysPath}).
 *
 * <p>Determinism: the store changes only through {@link #apply} (and {@link #cluster()} writes made
 * at apply time), and times come only from the request ({@code expiration}, {@code time}). The
 * clock given here only computes the remaining {@code ttl} shown in answers, as etcd's store clock does.
 *
 * <p>Thread-safe: the store serialises operations; watch listeners run outside its lock.
 */
public final class V2Service {
    /** etcd's {@code StoreClusterPrefix}: membership records. */
    public static final String CLUSTER_PREFIX = "/0";
    /** etcd's {@code StoreKeysPrefix}: everything under {@code /v2/keys}. */
    public static final String KEYS_PREFIX = "/1";

    private final V2Store store;
    private final V2ClusterStore cluster;

    /** An empty store, as a new member starts (etcd's {@code v2store.New("/0", "/1")}). */
    public V2Service(InstantSource clock) {
        this.store = new V2Store(clock, CLUSTER_PREFIX, KEYS_PREFIX);
        this.cluster = new V2ClusterStore(store);
    }

    /** The membership records under /0, to be written by the server's membership changes at apply time. */
    public V2ClusterStore cluster() {
        return cluster;
    }

    /** The store itself, for direct inspection (stats, tests). Changing it outside {@link #apply} breaks determinism. */
    public V2Store store() {
        return store;
    }

    /**
     * etcd's {@code applyV2Request}: applies a committed v2 request. PUT: prevExist=true is update
     * (or compareAndSwap with prevIndex/prevValue), prevExist=false create, otherwise
     * compareAndSwap when prevIndex/prevValue are given, else set (a PUT to
     * {@code /0/members/<id>/attributes} or {@code /0/version} records membership instead and
     * answers etcd's "no event" error); POST: create an in-order key; DELETE: compareAndDelete with
     * prevIndex/prevValue, else delete; QGET: get; SYNC: expire keys due by {@code time}, answering
     * the "no event" error (nobody waits for it). An unknown method answers etcd's unknown-method error.
     *
     * @param raftIndex, raftTerm the values for {@code X-Raft-Index}/{@code X-Raft-Term}
     *                  (etcd sends the server's committed index and term)
     */
    public V2Answer.Result apply(V2Request req, long raftIndex, long raftTerm) {
        try {
            return switch (req.getMethod()) {
                case "POST" -> event(store.create(req.getPath(), req.getDir(), req.getVal(), true, ttl(req)), raftIndex, raftTerm);
                case "PUT" -> put(req, raftIndex, raftTerm);
                case "DELETE" -> event(delete(req), raftIndex, raftTerm);
                case "QGET" -> event(store.get(req.getPath(), req.getRecursive(), req.getSorted()), raftIndex, raftTerm);
                case "SYNC" -> {
                    store.deleteExpiredKeys(V2Requests.fromUnixNanos(req.getTime()));
                    yield V2Answers.internalError(V2Answers.NO_EVENT, raftIndex, raftTerm);
                }
                default -> V2Answers.internalError(V2Answers.UNKNOWN_METHOD, raftIndex, raftTerm);
            };
        } catch (V2Error err) {
            return V2Answers.error(err, raftIndex, raftTerm);
        }
    }

    /**
     * A GET or HEAD without quorum and wait, served from the local store (etcd's
     * {@code reqV2HandlerStore.Get/Head}); an unknown method answers etcd's unknown-method error.
     *
     * @throws IllegalArgumentException for a request {@link V2Requests#route} does not send here
     */
    public V2Answer.Result read(V2Request req, long raftIndex, long raftTerm) {
        if (V2Requests.route(req) != V2Requests.Route.READ) {
            throw new IllegalArgumentException("not a local v2 read: " + req.getMethod()
                    + (req.getWait() ? " wait" : "") + (req.getQuorum() ? " quorum" : ""));
        }
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            return V2Answers.internalError(V2Answers.UNKNOWN_METHOD, raftIndex, raftTerm);
        }
        try {
            return event(store.get(req.getPath(), req.getRecursive(), req.getSorted()), raftIndex, raftTerm);
        } catch (V2Error err) {
            return V2Answers.error(err, raftIndex, raftTerm);
        }
    }

    /**
     * A GET with wait (etcd's {@code store.Watch(path, recursive, stream, since)}): a waitIndex
     * older than the history kept answers error 401 (HTTP 400); an event already in the history
     * answers a {@link V2Answer.Result} (status 200, that event, {@code X-Etcd-Index} = current
     * index), otherwise a {@link V2Answer.Watch} whose {@code X-Etcd-Index} is the index when it
     * started. A long poll ends after one event; a stream runs until closed (or dropped when it
     * falls {@value Watcher#CAPACITY} events behind). The caller must {@code close()} a Watch it no
     * longer reads (etcd itself never times a v2 watch out).
     *
     * @throws IllegalArgumentException for a request {@link V2Requests#route} does not send here
     */
    public V2Answer watch(V2Request req, long raftIndex, long raftTerm) {
        if (V2Requests.route(req) != V2Requests.Route.WATCH) {
            throw new IllegalArgumentException("not a v2 watch: " + req.getMethod()
                    + (req.getWait() ? " wait" : "") + (req.getQuorum() ? " quorum" : ""));
        }
        Watcher w;
        try {
            w = store.watch(req.getPath(), req.getRecursive(), req.getStream(), req.getSince());
        } catch (V2Error err) {
            return V2Answers.error(err, raftIndex, raftTerm);
        }
        if (w.isFromHistory()) {
            // etcd answers it through the watcher too, with status 200 whatever the action; a
            // stream then stays open with nothing more to come, which ending the response equals.
            return new V2Answer.Result(200, V2Answers.eventBody(w.poll()), w.startIndex(), raftIndex, raftTerm);
        }
        return new V2WatchAnswer(w, raftIndex, raftTerm);
    }

    /** Whether any key has a TTL: only then does the leader propose SYNC requests. */
    public boolean hasTtlKeys() {
        return store.hasTtlKeys();
    }

    /** The v2 index (the last v2 write's), e.g. for a member's snapshot bookkeeping. */
    public long index() {
        return store.index();
    }

    /** etcd's {@code /v2/stats/store} body (JSON, no trailing newline, as etcd writes it). */
    public byte[] storeStatsJson() {
        return store.jsonStats();
    }

    /** The store in etcd's v2 snapshot format (tree incl. /0, index, history, stats); watchers are not saved. */
    public byte[] save() {
        return store.save();
    }

    /**
     * Replaces the store with a {@link #save()} result or an etcd v2 snapshot (after receiving a
     * snapshot); watchers stay registered, as in etcd.
     *
     * @throws IllegalArgumentException if {@code snapshot} is not one (the store is unchanged)
     */
    public void recover(byte[] snapshot) {
        store.recovery(snapshot);
    }

    private V2Answer.Result put(V2Request req, long raftIndex, long raftTerm) {
        ExpireOptions ttl = ttl(req);
        String path = req.getPath();
        boolean compare = req.getPrevIndex() != 0 || !req.getPrevValue().isEmpty();
        if (req.hasPrevExist()) {
            if (!req.getPrevExist()) {
                return event(store.create(path, req.getDir(), req.getVal(), false, ttl), raftIndex, raftTerm);
            }
            Event e = compare
                    ? store.compareAndSwap(path, req.getPrevValue(), req.getPrevIndex(), req.getVal(), ttl)
                    : store.update(path, req.getVal(), ttl);
            return event(e, raftIndex, raftTerm);
        }
        if (compare) {
            return event(store.compareAndSwap(path, req.getPrevValue(), req.getPrevIndex(), req.getVal(), ttl),
                    raftIndex, raftTerm);
        }
        if (V2ClusterStore.isMemberAttributesPath(path)) {
            cluster.applyPublishedAttributes(path, req.getVal());
            return V2Answers.internalError(V2Answers.NO_EVENT, raftIndex, raftTerm);
        }
        if (path.equals(V2ClusterStore.VERSION)) {
            cluster.setClusterVersion(req.getVal());
            return V2Answers.internalError(V2Answers.NO_EVENT, raftIndex, raftTerm);
        }
        return event(store.set(path, req.getDir(), req.getVal(), ttl), raftIndex, raftTerm);
    }

    private Event delete(V2Request req) {
        if (req.getPrevIndex() != 0 || !req.getPrevValue().isEmpty()) {
            return store.compareAndDelete(req.getPath(), req.getPrevValue(), req.getPrevIndex());
        }
        return store.delete(req.getPath(), req.getDir(), req.getRecursive());
    }

    /** etcd's {@code RequestV2.TTLOptions}: expiration 0 means none; refresh only when set and true. */
    private static ExpireOptions ttl(V2Request req) {
        boolean refresh = req.hasRefresh() && req.getRefresh();
        return new ExpireOptions(req.getExpiration() == 0 ? null : V2Requests.fromUnixNanos(req.getExpiration()),
                refresh);
    }

    private static V2Answer.Result event(Event e, long raftIndex, long raftTerm) {
        return V2Answers.event(e, raftIndex, raftTerm);
    }
}
