/**
 * etcd 3.4's leases: {@link io.etcdj.lease.Lessor} and its value types.
 *
 * <h2>Backend format</h2>
 * Bucket {@value io.etcdj.lease.Lessor#BUCKET}: key = the lease ID as 8 bytes big-endian (so rows
 * sort by ID as unsigned numbers); value = etcd's {@code leasepb.Lease} protobuf
 * ({@code int64 ID = 1; int64 TTL = 2; int64 RemainingTTL = 3;}, zero fields omitted), byte for
 * byte what etcd writes. {@code TTL} is the granted TTL in seconds; {@code RemainingTTL} is a
 * checkpointed remaining TTL, written only with checkpoint persistence on, 0 otherwise. Expiry
 * times are never stored: they are the leader's in-memory state.
 */
package io.etcdj.lease;
