package io.etcdj.mvcc;

import java.util.Objects;

/**
 * Settings of an {@link MvccStore}.
 *
 * @param compactionBatchLimit backend entries examined per commit of a physical compaction
 *                             (etcd's {@code --experimental-compaction-batch-limit}, default 1000)
 * @param leaseAttachments     told which keys belong to which lease
 */
public record MvccOptions(int compactionBatchLimit, LeaseAttachments leaseAttachments) {
    public static final int DEFAULT_COMPACTION_BATCH_LIMIT = 1000;

    public MvccOptions {
        if (compactionBatchLimit <= 0) {
            throw new IllegalArgumentException("compactionBatchLimit must be positive: " + compactionBatchLimit);
        }
        Objects.requireNonNull(leaseAttachments, "leaseAttachments");
    }

    public static MvccOptions defaults() {
        return new MvccOptions(DEFAULT_COMPACTION_BATCH_LIMIT, LeaseAttachments.NONE);
    }

    public MvccOptions withLeaseAttachments(LeaseAttachments attachments) {
        return new MvccOptions(compactionBatchLimit, attachments);
    }

    public MvccOptions withCompactionBatchLimit(int limit) {
        return new MvccOptions(limit, leaseAttachments);
    }
}
