package io.etcdj.server.stats;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.DoubleSupplier;

/**
 * The server's metrics under etcd 3.4's names and help texts (etcdserver/metrics.go,
 * wal/metrics.go, mvcc/backend/metrics.go, mvcc/metrics.go), in a registry of this server's own
 * (several servers may share a JVM in tests), exposed in the Prometheus text format.
 */
public final class ServerMetrics {
    /** etcd's WAL fsync and backend commit buckets: 1 ms doubling 14 times (to about 8 s). */
    private static final double[] DISK_BUCKETS = exponential(0.001, 2, 14);
    /** etcd's peer round-trip buckets: 0.1 ms doubling 16 times. */
    private static final double[] RTT_BUCKETS = exponential(0.0001, 2, 16);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter leaderChanges;
    private final Counter proposalsFailed;
    private final Gauge proposalsPending;
    private final Histogram walFsync;
    private final Histogram backendCommit;
    private final Histogram peerRoundTrip;

    /**
     * @param hasLeader   1 when a leader is known
     * @param isLeader    1 when this member leads
     * @param committed   the Raft index committed
     * @param applied     the Raft index applied
     * @param dbSize      the backend's size in bytes
     * @param dbSizeInUse the bytes of the backend in use
     */
    public ServerMetrics(DoubleSupplier hasLeader, DoubleSupplier isLeader, DoubleSupplier committed,
                         DoubleSupplier applied, DoubleSupplier dbSize, DoubleSupplier dbSizeInUse,
                         DoubleSupplier revision) {
        gauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", hasLeader);
        gauge("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", isLeader);
        // etcd declares these two as gauges; the Prometheus client reserves "_total" for counters, so
        // they are counters here: the same sample names, only the TYPE line differs.
        counter("etcd_server_proposals_committed", "The total number of consensus proposals committed.", committed);
        counter("etcd_server_proposals_applied", "The total number of consensus proposals applied.", applied);
        gauge("etcd_mvcc_db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.",
                dbSize);
        gauge("etcd_mvcc_db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.",
                dbSizeInUse);
        gauge("etcd_debugging_mvcc_current_revision", "The current revision of store.", revision);
        leaderChanges = Counter.builder().name("etcd_server_leader_changes_seen")
                .help("The number of leader changes seen.").register(registry);
        proposalsFailed = Counter.builder().name("etcd_server_proposals_failed")
                .help("The total number of failed proposals seen.").register(registry);
        proposalsPending = Gauge.builder().name("etcd_server_proposals_pending")
                .help("The current number of pending proposals to commit.").register(registry);
        walFsync = Histogram.builder().name("etcd_disk_wal_fsync_duration_seconds")
                .help("The latency distributions of fsync called by WAL.").classicOnly()
                .classicUpperBounds(DISK_BUCKETS).register(registry);
        backendCommit = Histogram.builder().name("etcd_disk_backend_commit_duration_seconds")
                .help("The latency distributions of commit called by backend.").classicOnly()
                .classicUpperBounds(DISK_BUCKETS).register(registry);
        peerRoundTrip = Histogram.builder().name("etcd_network_peer_round_trip_time_seconds")
                .help("Round-Trip-Time histogram between peers").labelNames("To").classicOnly()
                .classicUpperBounds(RTT_BUCKETS).register(registry);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void counter(String name, String help, DoubleSupplier value) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }

    public void leaderChanged() {
        leaderChanges.inc();
    }

    public void proposalFailed() {
        proposalsFailed.inc();
    }

    public void proposalPending(int delta) {
        proposalsPending.inc(delta);
    }

    public void walFsync(long nanos) {
        walFsync.observe(nanos / 1e9);
    }

    public void backendCommit(long nanos) {
        backendCommit.observe(nanos / 1e9);
    }

    public void peerRoundTrip(long peer, long nanos) {
        peerRoundTrip.labelValues(Long.toHexString(peer)).observe(nanos / 1e9);
    }

    /** Everything in the Prometheus text exposition format (version 0.0.4), as etcd serves /metrics. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
