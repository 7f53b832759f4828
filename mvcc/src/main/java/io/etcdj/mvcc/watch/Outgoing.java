package io.etcdj.mvcc.watch;

import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import java.util.List;

/**
 * A response waiting in a stream's {@link ResponseQueue}, before the consumer gives it its header
 * (and, for events, previous pairs and its split into wire messages: {@link ResponseShaper}).
 */
sealed interface Outgoing {
    /** Whether it takes one of the stream's bounded buffer slots. */
    boolean counted();

    /** The revision its header reports. */
    long revision();

    /** A response without events, or with the header still to fill. */
    record Message(WatchResponse body, long revision, boolean counted) implements Outgoing {
    }

    /** Events for one watcher, in revision order; the watcher has seen the store up to {@code revision}. */
    record Events(long watchId, List<Event> events, long revision, boolean prevKv, boolean fragment)
            implements Outgoing {
        @Override
        public boolean counted() {
            return true;
        }
    }
}
