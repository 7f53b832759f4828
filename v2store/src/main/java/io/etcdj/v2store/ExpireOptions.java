package io.etcdj.v2store;

import java.time.Instant;

/**
 * etcd's {@code TTLOptionSet}: when a node expires, and whether the write is a TTL refresh.
 * A refresh keeps the stored value, and its event goes to the history but not to watchers.
 *
 * @param expireTime absolute expiry, or {@code null} for a permanent node (Go's zero time)
 * @param refresh    whether this is a TTL refresh
 */
public record ExpireOptions(Instant expireTime, boolean refresh) {
    /** No TTL, no refresh. */
    public static final ExpireOptions PERMANENT = new ExpireOptions(null, false);

    /** Expires at {@code expireTime}. */
    public static ExpireOptions at(Instant expireTime) {
        return new ExpireOptions(expireTime, false);
    }

    /** A refresh to a new expiry (null means permanent). */
    public static ExpireOptions refreshTo(Instant expireTime) {
        return new ExpireOptions(expireTime, true);
    }
}
