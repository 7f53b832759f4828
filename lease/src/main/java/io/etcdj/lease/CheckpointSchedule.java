package io.etcdj.lease;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * When the leader next checkpoints which lease (etcd's {@code leaseCheckpointHeap}). A lease may
 * be scheduled more than once and a revoked lease stays scheduled; whoever polls checks the lease
 * still needs a checkpoint. Not thread-safe: the {@link Lessor} guards it.
 */
final class CheckpointSchedule {
    private record Item(long time, long id) {
    }

    private final PriorityQueue<Item> items =
            new PriorityQueue<>(Comparator.comparingLong(Item::time).thenComparingLong(Item::id));

    void add(long id, long time) {
        items.add(new Item(time, id));
    }

    /** Removes and returns the earliest lease scheduled at or before {@code now}; null when none. */
    Long pollDue(long now) {
        Item first = items.peek();
        if (first == null || first.time() > now) {
            return null;
        }
        items.poll();
        return first.id();
    }

    void clear() {
        items.clear();
    }
}
