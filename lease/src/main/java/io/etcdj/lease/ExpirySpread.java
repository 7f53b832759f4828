package io.etcdj.lease;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Spreads expiries that pile up after a promotion (etcd's {@code Promote} "adjust expiries in
 * case of overlap"): a new leader extends every lease at once, so leases that would all expire in
 * the same second are pushed apart until at most three quarters of the revoke rate expire in any
 * one-second window, leaving room for leases that expire on their own.
 */
final class ExpirySpread {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private ExpirySpread() {
    }

    /**
     * Moves expiries of {@code leases} (all already refreshed at {@code now} with {@code extendNanos})
     * so no window gets more than its share; returns the leases whose expiry changed. Does nothing
     * below {@code revokesPerSecond} leases, where no pile-up can exceed the rate.
     */
    static List<LeaseState> spread(List<LeaseState> leases, long now, long extendNanos, int revokesPerSecond) {
        List<LeaseState> moved = new ArrayList<>();
        if (leases.size() < revokesPerSecond) {
            return moved;
        }
        List<LeaseState> byExpiry = new ArrayList<>(leases);
        byExpiry.sort(Comparator.comparingLong((LeaseState l) -> l.expiry).thenComparingLong(l -> l.id));
        long baseWindow = byExpiry.get(0).remainingNanos(now);
        long nextWindow = baseWindow + NANOS_PER_SECOND;
        int expires = 0;
        int targetPerSecond = Math.max(1, (3 * revokesPerSecond) / 4);
        for (LeaseState lease : byExpiry) {
            long remaining = lease.remainingNanos(now);
            if (remaining > nextWindow) {
                baseWindow = remaining;
                nextWindow = baseWindow + NANOS_PER_SECOND;
                expires = 1;
                continue;
            }
            expires++;
            if (expires <= targetPerSecond) {
                continue;
            }
            // A lease n seconds past the window's start needs n seconds less delay.
            double rateDelay = NANOS_PER_SECOND * ((double) expires / targetPerSecond) - (remaining - baseWindow);
            long delay = (long) rateDelay;
            nextWindow = baseWindow + delay;
            lease.refresh(now, delay + extendNanos);
            moved.add(lease);
        }
        return moved;
    }
}
