package io.etcdj.lease;

/**
 * A lease's remaining TTL to record through Raft (one entry of etcd's
 * {@code LeaseCheckpointRequest}). A remaining TTL of 0 clears an earlier checkpoint.
 *
 * @param id           the lease ID
 * @param remainingTtl seconds left, rounded up; 0 = no checkpoint (the full TTL applies)
 */
public record LeaseCheckpoint(long id, long remainingTtl) {
}
