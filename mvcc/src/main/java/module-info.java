/**
 * etcd's multi-version key space over a storage {@link io.etcdj.spi.store.Backend}
 * ({@code io.etcdj.mvcc}), etcd's KV request semantics on top of it ({@code io.etcdj.mvcc.kv}) and
 * etcd's watchers of it ({@code io.etcdj.mvcc.watch}).
 */
module io.etcdj.mvcc {
    requires transitive io.etcdj.raft;

    exports io.etcdj.mvcc;
    exports io.etcdj.mvcc.kv;
    exports io.etcdj.mvcc.watch;
}
