package io.etcdj.mvcc.kv;

import io.etcdj.api.mvccpb.Event;
import java.util.List;

/**
 * A response of an applied request, its revision (also in {@code response.header.revision}; the
 * server fills the rest of the header) and the changes it made, in order, for watchers.
 */
public record KvResult<T>(T response, long revision, List<Event> events) {
    public KvResult {
        events = List.copyOf(events);
    }
}
