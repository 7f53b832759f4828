package io.etcdj.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-thread CPU times at one moment. The difference of two samples names the busiest thread: one
 * event-loop thread near 100 % of wall time means the client was saturated on that connection even
 * when the process as a whole was not (raise --conns).
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpuNanosById;

    private ThreadCpu(Map<Long, Long> cpuNanosById) {
        this.cpuNanosById = cpuNanosById;
    }

    static ThreadCpu sample() {
        Map<Long, Long> map = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported()) {
            for (long id : THREADS.getAllThreadIds()) {
                long cpu = THREADS.getThreadCpuTime(id);
                if (cpu >= 0) {
                    map.put(id, cpu);
                }
            }
        }
        return new ThreadCpu(map);
    }

    /** "name seconds" of the thread that used the most CPU between {@code earlier} and this sample, or null. */
    Busiest busiestSince(ThreadCpu earlier) {
        long bestId = -1;
        long bestNanos = -1;
        for (Map.Entry<Long, Long> e : cpuNanosById.entrySet()) {
            long used = e.getValue() - earlier.cpuNanosById.getOrDefault(e.getKey(), 0L);
            if (used > bestNanos) {
                bestNanos = used;
                bestId = e.getKey();
            }
        }
        if (bestId < 0) {
            return null;
        }
        ThreadInfo info = THREADS.getThreadInfo(bestId);
        return new Busiest(info == null ? "thread " + bestId : info.getThreadName(), bestNanos / 1e9);
    }

    record Busiest(String name, double cpuSeconds) {
    }
}
