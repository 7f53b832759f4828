package io.etcdj.mvcc.watch;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A set of watchers indexed by what they watch (etcd's {@code watcherGroup}): single-key watchers
 * by key, range watchers in an {@link IntervalIndex}, so finding the watchers of a key costs
 * O(log ranges + matches). Not thread-safe.
 */
final class WatcherGroup {
    private final Map<ByteString, Set<Watcher>> byKey = new HashMap<>();
    private final IntervalIndex<Watcher> ranges = new IntervalIndex<>();
    private int size;

    void add(Watcher watcher) {
        KeyRange range = watcher.range();
        boolean added = range.isSingleKey()
                ? byKey.computeIfAbsent(range.key(), k -> new LinkedHashSet<>()).add(watcher)
                : ranges.add(range.key(), range.upperBound(), watcher);
        if (!added) {
            throw new IllegalStateException("watcher " + watcher.id() + " added twice");
        }
        size++;
    }

    /** Removes the watcher; false when it is not in this group. */
    boolean remove(Watcher watcher) {
        KeyRange range = watcher.range();
        boolean removed;
        if (range.isSingleKey()) {
            Set<Watcher> set = byKey.get(range.key());
            removed = set != null && set.remove(watcher);
            if (set != null && set.isEmpty()) {
                byKey.remove(range.key());
            }
        } else {
            removed = ranges.remove(range.key(), range.upperBound(), watcher);
        }
        if (removed) {
            size--;
        }
        return removed;
    }

    /** Hands {@code action} every watcher whose range contains {@code key}; it must not change this group. */
    void forEachMatching(ByteString key, Consumer<Watcher> action) {
        Set<Watcher> exact = byKey.get(key);
        if (exact != null) {
            exact.forEach(action);
        }
        ranges.stab(key, action);
    }

    /** Whether some watcher's range contains {@code key}. */
    boolean matchesAny(ByteString key) {
        return byKey.containsKey(key) || ranges.containsPoint(key);
    }

    int size() {
        return size;
    }

    /** Every watcher of the group, in no particular order (a copy: the caller may change the group). */
    List<Watcher> all() {
        List<Watcher> all = new ArrayList<>(size);
        byKey.values().forEach(all::addAll);
        ranges.forEach(all::add);
        return all;
    }
}
