package io.etcdj.mvcc.watch;

import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.mvccpb.Event;

/**
 * One watcher of a {@link WatchStream} (etcd's {@code watcher}): what it watches, its options,
 * and where it stands. The mutable fields are guarded by the hub's lock.
 */
final class Watcher {
    /** Where a watcher stands; it moves only under the hub's lock. */
    enum State {
        /** In the hub's synced group: hears of each commit as it happens. */
        SYNCED,
        /** Waits for the catch-up thread to read its missed revisions from history. */
        UNSYNCED,
        /** Canceled because its next revision was compacted; its ID stays taken until canceled. */
        COMPACTED,
        /** Removed by a cancel request or the stream's close. */
        CANCELED
    }

    private final WatchStream stream;
    private final long id;
    private final KeyRange range;
    private final boolean noPut;
    private final boolean noDelete;
    private final boolean prevKv;
    private final boolean fragment;
    private final boolean progressNotify;

    /** The lowest revision this watcher has not been given yet (etcd's {@code minRev}). */
    long minRevision;
    State state;
    /** Whether events were queued for it since the last progress tick (etcd elides the next notification then). */
    boolean sentSinceProgressTick;

    Watcher(WatchStream stream, long id, KeyRange range, WatchCreateRequest request, long startRevision) {
        this.stream = stream;
        this.id = id;
        this.range = range;
        this.noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
        this.noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
        this.prevKv = request.getPrevKv();
        this.fragment = request.getFragment();
        this.progressNotify = request.getProgressNotify();
        this.minRevision = startRevision;
    }

    WatchStream stream() {
        return stream;
    }

    long id() {
        return id;
    }

    KeyRange range() {
        return range;
    }

    boolean prevKv() {
        return prevKv;
    }

    boolean fragment() {
        return fragment;
    }

    boolean progressNotify() {
        return progressNotify;
    }

    /** Whether the event at {@code revision} is for this watcher: new to it and not filtered out. */
    boolean wants(long revision, Event event) {
        if (revision < minRevision) {
            return false;
        }
        return switch (event.getType()) {
            case PUT -> !noPut;
            case DELETE -> !noDelete;
            default -> true;
        };
    }
}
