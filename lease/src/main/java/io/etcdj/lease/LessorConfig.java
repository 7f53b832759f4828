package io.etcdj.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * The lessor's settings (etcd's {@code LessorConfig} plus its rate constants).
 *
 * @param minTtlSeconds             a grant asking for less gets this TTL instead (etcd raises, it does
 *                                  not refuse); the server passes {@link #minTtlSeconds(Duration, int)}
 * @param expiredLeaseRetryInterval how long a lease handed out by {@link Lessor#expiredLeases} is
 *                                  held back before it is handed out again, in case its revoke
 *                                  proposal was lost; etcd's server passes its request timeout
 * @param revokesPerSecond          the most expired leases handed out per second (etcd's
 *                                  {@code leaseRevokeRate}); also sizes the spreading of expiries
 *                                  at {@link Lessor#promote}
 * @param checkpointInterval        how often the leader checkpoints a long lease's remaining TTL when
 *                                  checkpointing is on (a {@link LeaseCheckpointer} is given)
 * @param checkpointPersist         whether applied checkpoints are also written to the backend, so the
 *                                  remaining TTL survives a restart
 *                                  ({@code --experimental-enable-lease-checkpoint-persist})
 */
public record LessorConfig(long minTtlSeconds, Duration expiredLeaseRetryInterval, int revokesPerSecond,
                           Duration checkpointInterval, boolean checkpointPersist) {
    /** etcd's default minimum TTL: {@link #minTtlSeconds(Duration, int)} of 100 ms heartbeats × 10 ticks. */
    public static final long DEFAULT_MIN_TTL_SECONDS = 2;
    /** etcd's lessor default ({@code defaultExpiredleaseRetryInterval}). */
    public static final Duration DEFAULT_EXPIRED_LEASE_RETRY_INTERVAL = Duration.ofSeconds(3);
    /** etcd's {@code leaseRevokeRate}. */
    public static final int DEFAULT_REVOKES_PER_SECOND = 1000;
    /** etcd's {@code defaultLeaseCheckpointInterval}. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(5);

    public LessorConfig {
        Objects.requireNonNull(expiredLeaseRetryInterval, "expiredLeaseRetryInterval");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        if (minTtlSeconds < 0 || minTtlSeconds > Lessor.MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("minTtlSeconds out of range: " + minTtlSeconds);
        }
        if (expiredLeaseRetryInterval.isNegative() || expiredLeaseRetryInterval.isZero()) {
            throw new IllegalArgumentException("expiredLeaseRetryInterval must be positive: " + expiredLeaseRetryInterval);
        }
        if (revokesPerSecond < 1) {
            throw new IllegalArgumentException("revokesPerSecond must be positive: " + revokesPerSecond);
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be positive: " + checkpointInterval);
        }
    }

    /** etcd's defaults: minimum TTL 2 s, retry 3 s, 1000 revokes/s, checkpoints every 5 min, not persisted. */
    public static LessorConfig defaults() {
        return new LessorConfig(DEFAULT_MIN_TTL_SECONDS, DEFAULT_EXPIRED_LEASE_RETRY_INTERVAL,
                DEFAULT_REVOKES_PER_SECOND, DEFAULT_CHECKPOINT_INTERVAL, false);
    }

    /**
     * The minimum TTL etcd's server configures: {@code ceil((3 × electionTicks / 2) × heartbeat)}
     * in seconds, the tick product in integer arithmetic as etcd computes it. A lease must outlive
     * a leader election, or it could expire while no leader can take its keep-alives.
     */
    public static long minTtlSeconds(Duration heartbeat, int electionTicks) {
        long nanos = heartbeat.toNanos() * ((3L * electionTicks) / 2);
        return Math.ceilDiv(nanos, 1_000_000_000L);
    }

    public LessorConfig withMinTtlSeconds(long seconds) {
        return new LessorConfig(seconds, expiredLeaseRetryInterval, revokesPerSecond, checkpointInterval, checkpointPersist);
    }

    public LessorConfig withExpiredLeaseRetryInterval(Duration interval) {
        return new LessorConfig(minTtlSeconds, interval, revokesPerSecond, checkpointInterval, checkpointPersist);
    }

    public LessorConfig withRevokesPerSecond(int perSecond) {
        return new LessorConfig(minTtlSeconds, expiredLeaseRetryInterval, perSecond, checkpointInterval, checkpointPersist);
    }

    public LessorConfig withCheckpointInterval(Duration interval) {
        return new LessorConfig(minTtlSeconds, expiredLeaseRetryInterval, revokesPerSecond, interval, checkpointPersist);
    }

    public LessorConfig withCheckpointPersist(boolean persist) {
        return new LessorConfig(minTtlSeconds, expiredLeaseRetryInterval, revokesPerSecond, checkpointInterval, persist);
    }
}
