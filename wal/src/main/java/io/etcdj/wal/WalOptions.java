package io.etcdj.wal;

/**
 * Tuning of a {@link Wal}.
 *
 * @param segmentSizeBytes once the current segment holds at least this many bytes, the next append
 *                         starts a new segment. A segment can exceed it by one batch, since a batch is
 *                         never split across segments. Between 1 byte (tests) and 1 GiB.
 */
public record WalOptions(long segmentSizeBytes) {
    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L * 1024 * 1024;

    public WalOptions {
        if (segmentSizeBytes < 1 || segmentSizeBytes > RecordFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("wal: segment size must be in [1, 1 GiB], got " + segmentSizeBytes);
        }
    }

    /** 64 MiB segments. */
    public static WalOptions defaults() {
        return new WalOptions(DEFAULT_SEGMENT_SIZE_BYTES);
    }

    public WalOptions withSegmentSizeBytes(long bytes) {
        return new WalOptions(bytes);
    }
}
