package io.etcdj.server.compactor;

import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code --auto-compaction-mode} / {@code --auto-compaction-retention}, with etcd 3.4's rules
 * ({@code v3compactor}): compaction is proposed through Raft like a client's {@code Compact}, so it
 * lands at the same revision on every member.
 *
 * <ul>
 *   <li><b>periodic</b>, retention {@code P}: the revision is sampled every {@code min(P, 1h)/10};
 *       once {@code P} has passed since start (then every {@code min(P, 1h)}), compact at the revision
 *       sampled {@code P} ago — keeping at least {@code P} of history.</li>
 *   <li><b>revision</b>, retention {@code N}: every 5 minutes, compact at {@code current - N} if that moved.</li>
 * </ul>
 */
public final class AutoCompactor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("compactor");
    static final Duration REVISION_INTERVAL = Duration.ofMinutes(5);
    /** etcd's cap on the periodic compaction interval. */
    static final Duration MAX_COMPACT_INTERVAL = Duration.ofHours(1);
    static final int RETRY_DIVISOR = 10;

    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("etcdj-compactor").factory());
    private final EtcdServerApi server;
    private final LongSupplier currentRevision;

    private AutoCompactor(EtcdServerApi server, LongSupplier currentRevision) {
        this.server = server;
        this.currentRevision = currentRevision;
    }

    /** Periodic mode; a zero period disables compaction (returns null). */
    public static AutoCompactor periodic(EtcdServerApi server, LongSupplier currentRevision, Duration period) {
        return periodic(server, currentRevision, period, MAX_COMPACT_INTERVAL);
    }

    /**
     * Periodic mode with the cap on the compaction interval given (etcd's is one hour): compaction
     * runs every {@code min(period, maxCompactInterval)}, sampling ten times as often. Tests shorten it.
     */
    static AutoCompactor periodic(EtcdServerApi server, LongSupplier currentRevision, Duration period,
                                  Duration maxCompactInterval) {
        if (period.isZero() || period.isNegative()) {
            return null;
        }
        AutoCompactor c = new AutoCompactor(server, currentRevision);
        c.startPeriodic(period, maxCompactInterval);
        return c;
    }

    /** Revision mode; zero retention disables compaction (returns null). */
    public static AutoCompactor revision(EtcdServerApi server, LongSupplier currentRevision, long retention) {
        return revision(server, currentRevision, retention, REVISION_INTERVAL);
    }

    /** Revision mode checking every {@code interval} instead of etcd's five minutes (tests shorten it). */
    static AutoCompactor revision(EtcdServerApi server, LongSupplier currentRevision, long retention,
                                  Duration interval) {
        if (retention <= 0) {
            return null;
        }
        AutoCompactor c = new AutoCompactor(server, currentRevision);
        long millis = Math.max(1, interval.toMillis());
        c.timer.scheduleWithFixedDelay(guarded(new RevisionTask(c, retention)), millis, millis, TimeUnit.MILLISECONDS);
        return c;
    }

    private void startPeriodic(Duration period, Duration maxCompactInterval) {
        Duration compactInterval = period.compareTo(maxCompactInterval) > 0 ? maxCompactInterval : period;
        Duration retryInterval = compactInterval.dividedBy(RETRY_DIVISOR);
        int retentions = (int) (period.toNanos() / Math.max(1, retryInterval.toNanos())) + 1;
        PeriodicTask task = new PeriodicTask(this, period, compactInterval, retentions, System.nanoTime());
        task.revs.addLast(currentRevision.getAsLong());
        timer.scheduleWithFixedDelay(guarded(task), retryInterval.toMillis(), Math.max(1, retryInterval.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    /** Proposes the compaction; true when done or already compacted past it. */
    boolean compact(long revision) {
        try {
            server.compact(CompactionRequest.newBuilder().setRevision(revision).build(), RequestContext.NONE).join();
            return true;
        } catch (CompletionException e) {
            if (e.getCause() instanceof EtcdException ee && ee.error() == EtcdError.COMPACTED) {
                return true;
            }
            LOG.log(System.Logger.Level.WARNING, "Failed auto-compaction at revision {0} ({1})", revision,
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return false;
        }
    }

    /** A scheduled task that throws is never run again: log and carry on instead. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "auto-compaction round failed; retrying at the next interval", e);
            }
        };
    }

    private static final class PeriodicTask implements Runnable {
        private final AutoCompactor owner;
        private final Duration period;
        private final Duration compactInterval;
        private final int retentions;
        private final ArrayDeque<Long> revs = new ArrayDeque<>();
        private long lastSuccessNanos;
        private Duration baseInterval;

        PeriodicTask(AutoCompactor owner, Duration period, Duration compactInterval, int retentions, long startNanos) {
            this.owner = owner;
            this.period = period;
            this.compactInterval = compactInterval;
            this.retentions = retentions;
            this.lastSuccessNanos = startNanos;
            this.baseInterval = period;
        }

        @Override
        public void run() {
            if (System.nanoTime() - lastSuccessNanos >= baseInterval.toNanos()) {
                baseInterval = compactInterval;
                long rev = revs.peekFirst();
                LOG.log(System.Logger.Level.INFO, "Starting auto-compaction at revision {0} (retention: {1})", rev, period);
                if (owner.compact(rev)) {
                    LOG.log(System.Logger.Level.INFO, "Finished auto-compaction at revision {0}", rev);
                    lastSuccessNanos = System.nanoTime();
                }
            }
            // As etcd: sample after the check, so revs[0] is always the revision one period ago.
            revs.addLast(owner.currentRevision.getAsLong());
            if (revs.size() > retentions) {
                revs.removeFirst();
            }
        }
    }

    private static final class RevisionTask implements Runnable {
        private final AutoCompactor owner;
        private final long retention;
        private long previous;

        RevisionTask(AutoCompactor owner, long retention) {
            this.owner = owner;
            this.retention = retention;
        }

        @Override
        public void run() {
            long rev = owner.currentRevision.getAsLong() - retention;
            if (rev <= 0 || rev == previous) {
                return;
            }
            LOG.log(System.Logger.Level.INFO, "Starting auto-compaction at revision {0} (retention: {1} revisions)",
                    rev, retention);
            if (owner.compact(rev)) {
                previous = rev;
                LOG.log(System.Logger.Level.INFO, "Finished auto-compaction at revision {0}", rev);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
