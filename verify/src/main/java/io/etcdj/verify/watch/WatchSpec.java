package io.etcdj.verify.watch;

import java.util.Objects;

/**
 * What a watch asked for, as in etcd's {@code WatchCreateRequest}.
 *
 * @param range         the watched keys
 * @param startRevision the first revision wanted; 0 means "from now" (the created response then tells when)
 * @param noPut         filter out put events
 * @param noDelete      filter out delete events
 * @param prevKv        ask for the previous key-value with each event
 * @param fragment      allow the server to split a large revision over several responses
 */
public record WatchSpec(KeyRange range, long startRevision, boolean noPut, boolean noDelete, boolean prevKv,
                        boolean fragment) {

    public WatchSpec {
        Objects.requireNonNull(range, "range");
        if (startRevision < 0) {
            throw new IllegalArgumentException("negative start revision: " + startRevision);
        }
    }

    /** A watch of {@code range} from now, without filters, prev_kv or fragmentation. */
    public static WatchSpec of(KeyRange range) {
        return new WatchSpec(range, 0, false, false, false, false);
    }

    public WatchSpec from(long revision) {
        return new WatchSpec(range, revision, noPut, noDelete, prevKv, fragment);
    }

    public WatchSpec withPrevKv() {
        return new WatchSpec(range, startRevision, noPut, noDelete, true, fragment);
    }

    public WatchSpec withoutPuts() {
        return new WatchSpec(range, startRevision, true, noDelete, prevKv, fragment);
    }

    public WatchSpec withoutDeletes() {
        return new WatchSpec(range, startRevision, noPut, true, prevKv, fragment);
    }

    public WatchSpec fragmented() {
        return new WatchSpec(range, startRevision, noPut, noDelete, prevKv, true);
    }

    /** Whether events of {@code type} pass the filters. */
    public boolean passes(EventType type) {
        return type == EventType.PUT ? !noPut : !noDelete;
    }

    /** Whether an event on {@code key} of {@code type} is one this watch must deliver (revision aside). */
    public boolean wants(String key, EventType type) {
        return range.contains(key) && passes(type);
    }
}
