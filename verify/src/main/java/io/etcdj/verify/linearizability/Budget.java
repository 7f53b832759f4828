package io.etcdj.verify.linearizability;

import java.time.Duration;
import java.util.Objects;

/**
 * How much work a check may do before answering {@link Verdict#UNKNOWN}.
 *
 * @param maxStatesPerPartition distinct (linearized set, state) configurations memoized per partition; this
 *                              bounds memory: each costs about 100 bytes plus one bit per operation of the
 *                              partition, plus the model state when it is new
 * @param timeout               wall-clock time for the whole check, all partitions together
 */
public record Budget(long maxStatesPerPartition, Duration timeout) {

    /**
     * Generous enough for histories of thousands of operations with per-key partitioning; at most a few hundred
     * megabytes for partitions of a few thousand operations.
     */
    public static final Budget DEFAULT = new Budget(2_000_000, Duration.ofMinutes(1));

    public Budget {
        if (maxStatesPerPartition < 1) {
            throw new IllegalArgumentException("maxStatesPerPartition must be positive: " + maxStatesPerPartition);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** The default budget with at most {@code n} states per partition. */
    public static Budget states(long n) {
        return new Budget(n, DEFAULT.timeout());
    }

    /** The default budget with the given overall timeout. */
    public static Budget time(Duration timeout) {
        return new Budget(DEFAULT.maxStatesPerPartition(), timeout);
    }
}
