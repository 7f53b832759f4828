/**
 * etcdj v2store: a pure, deterministic re-implementation of etcd 3.4's v2 hierarchical key store
 * (directories, TTLs, event history, watchers, snapshot), and the server-side v2 service on top of it
 * ({@link io.etcdj.v2store.V2Service}: etcd's applierV2, local reads, watches, membership under /0).
 * JDK and the server SPI only: no threads, no clocks of its own, no files.
 */
module io.etcdj.v2store {
    requires transitive io.etcdj.raft;

    exports io.etcdj.v2store;
}
