package io.etcdj.mvcc.watch;

import io.etcdj.api.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * The events one watcher gets from one batch, in revision order, cut into responses of at most a
 * given number of revisions (never inside a revision).
 */
final class EventRun {
    /** One response's worth: its events, the first revision among them, and the revision it reports. */
    record Chunk(List<Event> events, long firstRevision, long revision) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Long> revisions = new ArrayList<>();
    /** Index in {@link #events} where each entry of {@link #revisions} starts. */
    private final List<Integer> starts = new ArrayList<>();

    /** Appends an event; revisions must not decrease. */
    void add(long revision, Event event) {
        if (revisions.isEmpty() || revisions.get(revisions.size() - 1) != revision) {
            revisions.add(revision);
            starts.add(events.size());
        }
        events.add(event);
    }

    /**
     * The run cut into chunks of at most {@code maxRevisions} revisions. A chunk reports the
     * revision before the next chunk's first one, the last chunk {@code throughRevision}: the
     * watcher has seen the store up to there once it has the chunk.
     */
    List<Chunk> chunks(int maxRevisions, long throughRevision) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < revisions.size(); i += maxRevisions) {
            int next = i + maxRevisions;
            boolean last = next >= revisions.size();
            int end = last ? events.size() : starts.get(next);
            long reported = last ? throughRevision : revisions.get(next) - 1;
            chunks.add(new Chunk(List.copyOf(events.subList(starts.get(i), end)), revisions.get(i), reported));
        }
        return chunks;
    }
}
