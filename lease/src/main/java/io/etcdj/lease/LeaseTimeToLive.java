package io.etcdj.lease;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * The answer to {@link Lessor#timeToLive}: the fields of etcd's {@code LeaseTimeToLiveResponse}.
 *
 * @param id         the lease ID
 * @param ttl        whole seconds left before the lease expires, truncated toward zero as etcd does
 *                   ({@code int64(Remaining().Seconds())}); zero or negative for a lease that has
 *                   expired but whose revoke is not applied yet
 * @param grantedTtl the TTL the lease was granted with
 * @param keys       the keys attached to the lease in unsigned byte order; empty unless asked for
 */
public record LeaseTimeToLive(long id, long ttl, long grantedTtl, List<ByteString> keys) {
    public LeaseTimeToLive {
        keys = List.copyOf(keys);
    }
}
