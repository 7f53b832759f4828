package io.etcdj.mvcc.kv;

/** Answers whether a lease exists, so that a put with an unknown lease fails with LEASE_NOT_FOUND. */
@FunctionalInterface
public interface LeaseChecker {
    /** Whether lease {@code leaseId} (never 0) is granted and not revoked. */
    boolean exists(long leaseId);
}
