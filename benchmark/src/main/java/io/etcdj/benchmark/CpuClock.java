package io.etcdj.benchmark;

import java.time.Duration;

/**
 * CPU time of this whole process (all threads: driver, event loops, JIT, GC), so a report shows
 * whether the client itself was the bottleneck: CPU seconds per wall second near the number of
 * available processors means the client, not the server, limited the rate.
 */
final class CpuClock {
    private CpuClock() {
    }

    /** Process CPU time in seconds, or NaN where the platform does not report it. */
    static double processCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration()
                .map(d -> d.toNanos() / 1e9)
                .orElse(Double.NaN);
    }

    static String describe(double cpuSeconds, Duration wall) {
        double wallSeconds = wall.toNanos() / 1e9;
        int processors = Runtime.getRuntime().availableProcessors();
        if (Double.isNaN(cpuSeconds)) {
            return "Client CPU: not reported by this platform";
        }
        return String.format(java.util.Locale.ROOT,
                "Client CPU: %.3f s over %.3f s wall = %.2f of %d processors busy%s",
                cpuSeconds, wallSeconds, wallSeconds > 0 ? cpuSeconds / wallSeconds : 0, processors,
                wallSeconds > 0 && cpuSeconds / wallSeconds > 0.8 * processors
                        ? " (client saturated: results understate the server)" : "");
    }
}
