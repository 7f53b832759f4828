/**
 * etcdj v2store: a pure, deterministic re-implementation of etcd 3.4's v2 hierarchical key store
 * (directories, TTLs, event history, watchers, snapshot). JDK only: no threads, no clocks, no files.
 */
module io.etcdj.v2store {
    exports io.etcdj.v2store;
}
