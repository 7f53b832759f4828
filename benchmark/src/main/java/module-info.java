/**
 * etcdj benchmark: a load generator for the etcd v3 gRPC API, modelled on etcd 3.4's
 * {@code tools/benchmark}, for etcdj and for a real etcd alike. Main class
 * {@code io.etcdj.benchmark.Main}.
 *
 * <pre>
 * benchmark [global flags] COMMAND [flags] [args]
 *
 * global: --endpoints 127.0.0.1:2379 (comma list; http:// accepted)  --conns 1  --clients 1
 *         --total 10000  --rate 0 (req/s, 0 = unlimited)  --max-duration 10m (stop and report)
 *         --target-leader (accepted, no effect)  --user, --cert, --key, --cacert (refused: not yet supported)
 * put              --key-size 8 --val-size 8 --key-space-size 1 --sequential-keys
 * range KEY [END]  --consistency l|s --limit 0 --count-only
 * txn-put          --txn-ops 1 --key-size 8 --val-size 8 --key-space-size 1
 * watch            --streams 10 --watch-per-stream 100 --watched-key-total 1 --put-total 1000
 *                  --put-rate 100 --key-size 32 --val-size 8
 * watch-latency    --watchers 10 --put-total 1000 --put-rate 100 --key-size 32 --val-size 32
 * lease-keepalive  --leases 0 (= --clients) ; --total keep-alive requests over the leases
 * </pre>
 *
 * <p>Output follows etcd's report (Summary with Total/Slowest/Fastest/Average/Stddev/Requests/sec, a
 * response time histogram, a latency distribution, an error distribution), then the client's own CPU
 * use and one line {@code RESULT {"op":...,"rps":...,"p50_ms":...,"p99_ms":...,"p999_ms":...,
 * "errors":...,"client_cpu_s":...}} for scripts. Exit status 0 after a run, 1 if the run could not
 * proceed, 2 for a bad command line.
 *
 * <p>Design: one driver thread sends requests asynchronously, holding a semaphore of --clients
 * permits and pacing to --rate; answers are handled directly on the gRPC channels' Netty event-loop
 * threads (one per --conns) and recorded in a lock-free log-linear histogram. Requests are built
 * once where the key space allows.
 */
module io.etcdj.benchmark {
    requires io.etcdj.api;
    requires io.grpc.netty.shaded;
    requires java.management;

    exports io.etcdj.benchmark;
}
