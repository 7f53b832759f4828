package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.RangeRequest;
import java.nio.charset.StandardCharsets;

/** The keys and ranges of etcd's concurrency recipes. */
final class Keys {
    private static final ByteString SLASH = ByteString.copyFrom("/", StandardCharsets.UTF_8);
    private static final ByteString NUL = ByteString.copyFrom(new byte[] {0});

    private Keys() {
    }

    /** The prefix every waiter of a lock or election shares: {@code name + "/"}. */
    static ByteString prefix(ByteString name) {
        return name.concat(SLASH);
    }

    /**
     * A waiter's key: the prefix and the lease ID as Go's {@code fmt.Sprintf("%x", leaseID)} writes
     * an int64 (lower-case hex without padding, a minus sign for a negative ID).
     */
    static ByteString waiterKey(ByteString prefix, long lease) {
        // Long.MIN_VALUE negates to itself, whose unsigned hex is the magnitude Go prints.
        String hex = lease < 0 ? "-" + Long.toHexString(-lease) : Long.toHexString(lease);
        return prefix.concat(ByteString.copyFrom(hex, StandardCharsets.US_ASCII));
    }

    /** etcd's {@code GetPrefixRangeEnd}: the end of the range of every key starting with {@code prefix}. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return NUL;  // every byte 0xff: the range runs to the end of the key space
    }

    /** {@code clientv3.WithFirstCreate()} on {@code prefix}: the key with the lowest create revision. */
    static RangeRequest firstCreated(ByteString prefix) {
        return prefixRange(prefix).setSortOrder(RangeRequest.SortOrder.ASCEND).build();
    }

    /**
     * {@code WithLastCreate()} and {@code WithMaxCreateRev(maxCreateRevision)} on {@code prefix}: the
     * newest key created at or before {@code maxCreateRevision}, as {@code waitDeletes} asks.
     */
    static RangeRequest lastCreatedUpTo(ByteString prefix, long maxCreateRevision) {
        return prefixRange(prefix).setSortOrder(RangeRequest.SortOrder.DESCEND)
                .setMaxCreateRevision(maxCreateRevision).build();
    }

    static RangeRequest key(ByteString key) {
        return RangeRequest.newBuilder().setKey(key).build();
    }

    private static RangeRequest.Builder prefixRange(ByteString prefix) {
        return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setLimit(1);
    }
}
