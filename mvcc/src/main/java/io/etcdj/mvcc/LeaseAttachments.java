package io.etcdj.mvcc;

import com.google.protobuf.ByteString;

/**
 * Tells the lease subsystem which lease each key belongs to, as etcd's store does with its
 * lessor's {@code Attach}/{@code Detach}. The implementation keeps its own key-to-lease map: a
 * key belongs to at most one lease, and a write replaces whatever it belonged to before.
 *
 * <p>Called on the writer's thread when a write transaction ends (never for an aborted one), in
 * the order of the changes, and from {@link MvccStore#open} for every live key that has a lease.
 */
public interface LeaseAttachments {
    /** Ignores every notification (no lease subsystem). */
    LeaseAttachments NONE = new LeaseAttachments() {
        @Override
        public void keyWritten(ByteString key, long leaseId) {
        }

        @Override
        public void keyDeleted(ByteString key) {
        }
    };

    /** {@code key} was put with {@code leaseId} (0 = no lease): it now belongs to that lease only. */
    void keyWritten(ByteString key, long leaseId);

    /** {@code key} was deleted: it belongs to no lease. */
    void keyDeleted(ByteString key);
}
