package io.etcdj.verify.watch;

import java.util.List;

/**
 * One response received on a watch stream, as etcd's {@code WatchResponse}. A response that is neither created nor
 * canceled and has no events is a progress notification: everything up to its header revision was delivered.
 *
 * @param headerRevision  the store revision in the response header
 * @param created         the response to the create request
 * @param canceled        the stream was cancelled; nothing may follow
 * @param compactRevision when cancelled because the revisions it needed were compacted, the compact revision; else 0
 * @param events          the events, in the order received
 */
public record WatchResponse(long headerRevision, boolean created, boolean canceled, long compactRevision,
                            List<WatchEvent> events) {

    public WatchResponse {
        events = List.copyOf(events);
        if (compactRevision != 0 && !canceled) {
            throw new IllegalArgumentException("etcd cancels the watch it reports compacted");
        }
    }

    public static WatchResponse created(long headerRevision) {
        return new WatchResponse(headerRevision, true, false, 0, List.of());
    }

    public static WatchResponse events(long headerRevision, List<WatchEvent> events) {
        return new WatchResponse(headerRevision, false, false, 0, events);
    }

    public static WatchResponse progress(long headerRevision) {
        return new WatchResponse(headerRevision, false, false, 0, List.of());
    }

    public static WatchResponse canceled(long headerRevision) {
        return new WatchResponse(headerRevision, false, true, 0, List.of());
    }

    public static WatchResponse compacted(long headerRevision, long compactRevision) {
        return new WatchResponse(headerRevision, false, true, compactRevision, List.of());
    }

    public boolean isProgressNotification() {
        return !created && !canceled && events.isEmpty();
    }
}
