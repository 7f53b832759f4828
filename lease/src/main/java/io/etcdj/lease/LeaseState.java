package io.etcdj.lease;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * One lease inside the {@link Lessor}, guarded by the lessor's lock. Its expiry only means
 * something while the lessor is primary; a follower's leases never expire (etcd's "forever").
 */
final class LeaseState {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    final long id;
    /** The granted TTL in seconds. */
    final long ttl;
    /** The last checkpointed remaining TTL in seconds; 0 = none, the full TTL applies. */
    long remainingTtl;
    /** Clock nanos at which the lease expires; valid only while the lessor is primary. */
    long expiry;
    /** Attached keys, in the order etcd deletes them at revoke (sorted, so every member deletes alike). */
    final TreeSet<ByteString> keys = new TreeSet<>(ByteString.unsignedLexicographicalComparator());
    /** Renewals of this lease that arrived after it expired: they wait for its revoke (see Lessor#renew). */
    final List<CompletableFuture<Long>> waitingRenewals = new ArrayList<>();

    LeaseState(long id, long ttl, long remainingTtl) {
        this.id = id;
        this.ttl = ttl;
        this.remainingTtl = remainingTtl;
    }

    /** The TTL the next refresh uses: the checkpointed remaining TTL when there is one (etcd's RemainingTTL()). */
    long effectiveTtl() {
        return remainingTtl > 0 ? remainingTtl : ttl;
    }

    /** Expires {@code extendNanos} plus the effective TTL after {@code now} (etcd's refresh). */
    void refresh(long now, long extendNanos) {
        expiry = saturatedAdd(saturatedAdd(now, extendNanos), saturatedMultiply(effectiveTtl(), NANOS_PER_SECOND));
    }

    long remainingNanos(long now) {
        return expiry - now;
    }

    boolean expired(long now) {
        return remainingNanos(now) <= 0;
    }

    List<CompletableFuture<Long>> takeWaitingRenewals() {
        List<CompletableFuture<Long>> taken = List.copyOf(waitingRenewals);
        waitingRenewals.clear();
        return taken;
    }

    LeaseRecord record() {
        return new LeaseRecord(id, ttl, remainingTtl);
    }

    // A 9e9 s TTL is 9e18 ns, close to Long.MAX_VALUE: sums clamp instead of wrapping into the past.
    private static long saturatedAdd(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }

    private static long saturatedMultiply(long seconds, long nanosPerSecond) {
        try {
            return Math.multiplyExact(seconds, nanosPerSecond);
        } catch (ArithmeticException overflow) {
            return seconds > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }
}
