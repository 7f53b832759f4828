package io.etcdj.lease;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The leader's leases ordered by the time they are next due (expiry, or the retry time of a
 * revoke already handed out): etcd's {@code LeaseExpiredNotifier}. One entry per lease; putting a
 * lease again moves it. Ties are broken by lease ID so the order is deterministic. Times are
 * clock nanos compared as plain longs (a monotonic clock does not wrap in practice).
 * Not thread-safe: the {@link Lessor} guards it.
 */
final class ExpiryQueue {
    private record Item(long time, long id) {
    }

    private static final Comparator<Item> ORDER = Comparator.comparingLong(Item::time).thenComparingLong(Item::id);

    private final TreeSet<Item> byTime = new TreeSet<>(ORDER);
    private final Map<Long, Item> byId = new HashMap<>();

    void put(long id, long time) {
        Item item = new Item(time, id);
        Item old = byId.put(id, item);
        if (old != null) {
            byTime.remove(old);
        }
        byTime.add(item);
    }

    void remove(long id) {
        Item old = byId.remove(id);
        if (old != null) {
            byTime.remove(old);
        }
    }

    /**
     * The earliest lease whose time is at or before {@code now}, moved to {@code retryAt} so the
     * next poll does not return it again before then; null when none is due.
     */
    Long pollDue(long now, long retryAt) {
        if (byTime.isEmpty() || byTime.first().time() > now) {
            return null;
        }
        long id = byTime.first().id();
        put(id, retryAt);
        return id;
    }

    void clear() {
        byTime.clear();
        byId.clear();
    }
}
