package io.etcdj.lease;

/**
 * The result of {@link Lessor#grant}: what etcd puts into {@code LeaseGrantResponse}.
 *
 * @param id  the lease ID
 * @param ttl the granted TTL in seconds: the requested one, raised to the lessor's minimum
 */
public record GrantedLease(long id, long ttl) {
}
