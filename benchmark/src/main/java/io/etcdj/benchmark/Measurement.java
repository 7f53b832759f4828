package io.etcdj.benchmark;

import java.time.Duration;
import java.util.Map;

/**
 * What one measured phase produced: latencies of successful requests, failures by message, wall time
 * from the first request to the last answer (or to the time-out), how many requests were sent, and
 * whether the phase was cut short by --max-duration.
 */
record Measurement(LatencyHistogram.Snapshot latencies, Map<String, Long> errors, Duration elapsed,
                   long issued, boolean timedOut) {

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Successful requests per second, as etcd's report computes Requests/sec. */
    double requestsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? latencies.count() / seconds : 0;
    }
}
