package io.etcdj.lease;

/**
 * A token bucket that limits how many expired leases are handed out for revocation per second
 * (etcd's {@code leaseRevokeRate}). etcd hands out up to half the rate every 500 ms; the bucket
 * holds half a second's worth, so polling every 500 ms gives the same batches, and polling more
 * often never exceeds the rate. Not thread-safe: the {@link Lessor} guards it.
 */
final class RevokeBudget {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    RevokeBudget(int perSecond, long now) {
        this.perSecond = perSecond;
        this.capacity = Math.max(1, perSecond / 2);
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Whole revokes that may be handed out at {@code now}. */
    int available(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perSecond / NANOS_PER_SECOND);
            refilledAt = now;
        }
        return (int) tokens;
    }

    void spend(int revokes) {
        tokens -= revokes;
    }
}
