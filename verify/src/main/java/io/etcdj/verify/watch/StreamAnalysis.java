package io.etcdj.verify.watch;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks one stream allows on its own (order, duplicates, range, filters, atomicity, cancellation), and what
 * the comparison with the reference needs from it: the events it legitimately delivered and the window of revisions
 * it was bound to deliver completely.
 */
final class StreamAnalysis {

    final RecordedWatch watch;
    /** In-range, first-occurrence events by revision and key. */
    final NavigableMap<Long, Map<String, WatchEvent>> delivered = new TreeMap<>();
    /** From this revision on, every wanted event must be delivered. */
    final long requiredFrom;
    /** Up to this revision, every wanted event must be delivered. */
    final long horizon;
    /** The highest revision the server claimed exists (header revisions). */
    final long highestHeaderRevision;

    private StreamAnalysis(RecordedWatch watch, long requiredFrom, long horizon, long highestHeaderRevision) {
        this.watch = watch;
        this.requiredFrom = requiredFrom;
        this.horizon = horizon;
        this.highestHeaderRevision = highestHeaderRevision;
    }

    String name() {
        return watch.name();
    }

    WatchSpec spec() {
        return watch.spec();
    }

    static StreamAnalysis analyze(RecordedWatch watch, List<WatchViolation> violations, List<String> notes) {
        return new Scan(watch, violations, notes).run();
    }

    /** One pass over the responses in arrival order. */
    private static final class Scan {
        private final RecordedWatch watch;
        private final WatchSpec spec;
        private final List<WatchViolation> violations;
        private final List<String> notes;
        private final NavigableMap<Long, Map<String, WatchEvent>> delivered = new TreeMap<>();
        private final Set<String> seen = new HashSet<>();
        private long createdRevision;
        private long lastEventRevision;
        private int lastEventResponse = -1;
        private long lastProgress;
        private long compactRevision;
        private long highestHeader;
        private boolean canceled;

        Scan(RecordedWatch watch, List<WatchViolation> violations, List<String> notes) {
            this.watch = watch;
            this.spec = watch.spec();
            this.violations = violations;
            this.notes = notes;
        }

        StreamAnalysis run() {
            List<WatchResponse> responses = watch.responses();
            for (int i = 0; i < responses.size(); i++) {
                WatchResponse response = responses.get(i);
                if (canceled) {
                    violate(WatchViolation.Kind.AFTER_CANCEL, 0, null,
                            "response after the stream was cancelled: " + response);
                    continue;
                }
                highestHeader = Math.max(highestHeader, response.headerRevision());
                if (response.created() && createdRevision == 0) {
                    createdRevision = response.headerRevision();
                }
                if (response.isProgressNotification()) {
                    progress(response.headerRevision());
                }
                for (WatchEvent event : response.events()) {
                    event(event, i);
                }
                if (response.canceled()) {
                    canceled = true;
                    compactRevision = response.compactRevision();
                    if (compactRevision > response.headerRevision()) {
                        // etcd refuses to compact beyond its current revision.
                        violate(WatchViolation.Kind.BAD_COMPACTION, compactRevision, null, "compact revision "
                                + compactRevision + " is above the store's revision " + response.headerRevision());
                    }
                }
            }
            long requiredFrom = requiredFrom();
            long horizon = Math.max(lastEventRevision, lastProgress);
            if (compactRevision != 0) {
                checkCompaction();
            } else {
                horizon = Math.max(horizon, watch.vouchedCompleteThrough());
            }
            StreamAnalysis analysis = new StreamAnalysis(watch, requiredFrom, horizon, highestHeader);
            analysis.delivered.putAll(delivered);
            return analysis;
        }

        private void progress(long revision) {
            if (revision < lastEventRevision) {
                violate(WatchViolation.Kind.OUT_OF_ORDER, revision, null,
                        "progress notification at " + revision + " after an event at " + lastEventRevision);
            }
            lastProgress = Math.max(lastProgress, revision);
        }

        private void event(WatchEvent event, int response) {
            long revision = event.revision();
            String key = event.key();
            if (!seen.add(revision + "\u0000" + key)) {
                violate(WatchViolation.Kind.DUPLICATE, revision, key, "delivered again: " + event);
                return;
            }
            boolean inScope = true;
            if (spec.startRevision() > 0 && revision < spec.startRevision()) {
                violate(WatchViolation.Kind.OUT_OF_RANGE, revision, key,
                        "below the start revision " + spec.startRevision() + ": " + event);
                inScope = false;
            }
            if (!spec.range().contains(key)) {
                violate(WatchViolation.Kind.OUT_OF_RANGE, revision, key, "outside " + spec.range() + ": " + event);
                inScope = false;
            } else if (!spec.passes(event.type())) {
                violate(WatchViolation.Kind.OUT_OF_RANGE, revision, key, "filtered type delivered: " + event);
                inScope = false;
            }
            if (revision < lastEventRevision || revision <= lastProgress) {
                violate(WatchViolation.Kind.OUT_OF_ORDER, revision, key, "after an event at " + lastEventRevision
                        + (lastProgress > 0 ? " and progress at " + lastProgress : "") + ": " + event);
            } else if (revision == lastEventRevision && response != lastEventResponse && !spec.fragment()) {
                violate(WatchViolation.Kind.SPLIT_REVISION, revision, key,
                        "revision " + revision + " continues in a later response: " + event);
            }
            if (!spec.prevKv() && event.prevKv() != null) {
                violate(WatchViolation.Kind.WRONG_PREV_KV, revision, key, "prev_kv was not requested: " + event);
            }
            if (inScope) {
                delivered.computeIfAbsent(revision, r -> new HashMap<>()).put(key, event);
            }
            if (revision > lastEventRevision) {
                lastEventRevision = revision;
                lastEventResponse = response;
            }
        }

        /** The revision from which the server owed this stream every wanted event. */
        private long requiredFrom() {
            if (spec.startRevision() > 0) {
                return spec.startRevision();
            }
            // etcd starts a "from now" watch at current revision + 1 and reads the created header afterwards, so
            // the true start is at most created + 1; an earlier first event shows it was earlier.
            long firstDelivered = delivered.isEmpty() ? Long.MAX_VALUE : delivered.firstKey();
            if (createdRevision == 0) {
                notes.add(watch.name() + ": start revision 0 and no created response; only events after its first"
                        + " delivered one are required");
                return firstDelivered;
            }
            return Math.min(createdRevision + 1, firstDelivered);
        }

        /** etcd cancels a watch as compacted only when the next revision it needs is below the compact revision. */
        private void checkCompaction() {
            long needed = Math.max(Math.max(spec.startRevision(), 1), Math.max(lastEventRevision, lastProgress) + 1);
            if (compactRevision <= needed) {
                violate(WatchViolation.Kind.BAD_COMPACTION, compactRevision, null, "cancelled as compacted at "
                        + compactRevision + " though it needed revision " + needed + " onwards, which is kept");
            }
        }

        private void violate(WatchViolation.Kind kind, long revision, String key, String detail) {
            violations.add(new WatchViolation(kind, watch.name(), revision, key, detail));
        }
    }
}
