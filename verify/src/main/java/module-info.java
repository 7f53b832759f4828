/**
 * Checkers for recorded client histories of an etcd-compatible server, the checking half of a
 * Jepsen-style fault harness: tests record what clients did and saw ({@code io.etcdj.verify}),
 * then ask whether it was linearizable ({@code io.etcdj.verify.linearizability} with the etcd KV
 * models of {@code io.etcdj.verify.kv}) and whether watch streams kept etcd's guarantees
 * ({@code io.etcdj.verify.watch}). JDK only, so any test module can use it.
 */
module io.etcdj.verify {
    exports io.etcdj.verify;
    exports io.etcdj.verify.kv;
    exports io.etcdj.verify.linearizability;
    exports io.etcdj.verify.watch;
}
