package io.etcdj.mvcc;

import io.etcdj.api.mvccpb.Event;
import java.util.List;

/**
 * The changes of one write transaction: every event has main revision {@code revision}; puts carry
 * the new pair, deletes the key with {@code mod_revision = revision} (as {@link WriteTxn#end()}).
 */
public record RevisionEvents(long revision, List<Event> events) {
    public RevisionEvents {
        events = List.copyOf(events);
    }
}
