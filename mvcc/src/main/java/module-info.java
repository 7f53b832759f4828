/**
 * etcd's multi-version key space over a storage {@link io.etcdj.spi.store.Backend}
 * ({@code io.etcdj.mvcc}) and etcd's KV request semantics on top of it ({@code io.etcdj.mvcc.kv}).
 */
module io.etcdj.mvcc {
    requires transitive io.etcdj.raft;

    exports io.etcdj.mvcc;
    exports io.etcdj.mvcc.kv;
}
