package io.etcdj.verify.watch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks recorded watch streams against a {@link WriteLog}; see the package documentation for the guarantees
 * checked and the assumptions made. Stateless.
 */
public final class WatchChecker {

    private WatchChecker() {
    }

    /** Checks every stream against the log and against each other. */
    public static WatchCheckResult check(WriteLog log, List<RecordedWatch> watches) {
        Objects.requireNonNull(log, "log");
        List<WatchViolation> violations = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<StreamAnalysis> streams = new ArrayList<>();
        for (RecordedWatch watch : watches) {
            StreamAnalysis stream = StreamAnalysis.analyze(watch, violations, notes);
            if (!stream.delivered.headMap(log.baseRevision(), true).isEmpty()) {
                notes.add(watch.name() + ": events at or below the base revision " + log.baseRevision()
                        + " are not checked against the log");
            }
            streams.add(stream);
        }
        ReferenceTimeline timeline = ReferenceTimeline.build(log, streams, notes);
        long highestExisting = highestExistingRevision(timeline, streams);
        Map<String, List<Sighting>> uncertainSightings = new HashMap<>();
        for (StreamAnalysis stream : streams) {
            compareEvents(stream, log, timeline, violations, uncertainSightings);
            findMissed(stream, log, timeline, highestExisting, violations);
        }
        uncertainSightings.values().forEach(sightings -> checkAgreement(sightings, violations));
        return new WatchCheckResult(violations, notes);
    }

    /** A delivered event whose fields the log cannot tell, to be compared across watchers. */
    private record Sighting(StreamAnalysis stream, WatchEvent event) {
    }

    /** Every delivered event must be one that should exist, with exactly the expected contents. */
    private static void compareEvents(StreamAnalysis stream, WriteLog log, ReferenceTimeline timeline,
                                      List<WatchViolation> violations, Map<String, List<Sighting>> uncertain) {
        stream.delivered.tailMap(log.baseRevision(), false).forEach((revision, events) -> events.forEach(
                (key, event) -> {
                    ReferenceTimeline.Expected expected = timeline.at(revision).get(key);
                    if (expected == null) {
                        violations.add(new WatchViolation(WatchViolation.Kind.PHANTOM, stream.name(), revision, key,
                                "no write of this key took revision " + revision + ": " + event));
                        return;
                    }
                    WatchEvent want = expected.event();
                    boolean sameEvent = want.type() == event.type() && (expected.fieldsCertain()
                            ? want.kv().equals(event.kv())
                            : want.kv().value().equals(event.kv().value()));
                    if (!sameEvent) {
                        violations.add(new WatchViolation(WatchViolation.Kind.WRONG_EVENT, stream.name(), revision,
                                key, "expected " + describe(want, expected.fieldsCertain()) + ", got " + event));
                    } else if (stream.spec().prevKv() && expected.fieldsCertain()
                            && !Objects.equals(want.prevKv(), event.prevKv())) {
                        violations.add(new WatchViolation(WatchViolation.Kind.WRONG_PREV_KV, stream.name(), revision,
                                key, "expected prev_kv " + want.prevKv() + ", got " + event.prevKv()));
                    }
                    if (!expected.fieldsCertain()) {
                        uncertain.computeIfAbsent(revision + "\u0000" + key, k -> new ArrayList<>())
                                .add(new Sighting(stream, event));
                    }
                }));
    }

    private static String describe(WatchEvent want, boolean fieldsCertain) {
        return fieldsCertain ? want.type() + " " + want.kv()
                : want.type() + " " + want.key() + "=" + want.kv().value() + " (revisions and version unknown)";
    }

    /** Every event that happened in the stream's window, range and filters must have been delivered. */
    private static void findMissed(StreamAnalysis stream, WriteLog log, ReferenceTimeline timeline,
                                   long highestExisting, List<WatchViolation> violations) {
        long from = Math.max(stream.requiredFrom, log.baseRevision() + 1);
        WatchSpec spec = stream.spec();
        timeline.between(from, stream.horizon).forEach((revision, events) -> events.forEach((key, expected) -> {
            if (expected.mandatory() && spec.wants(key, expected.event().type())
                    && !stream.delivered.getOrDefault(revision, Map.of()).containsKey(key)) {
                violations.add(new WatchViolation(WatchViolation.Kind.MISSED, stream.name(), revision, key,
                        "never delivered: " + expected.event().type() + " " + key + "=" + expected.event().kv().value()
                                + " (window " + from + ".." + stream.horizon + ")"));
            }
        }));
        // Every revision changes at least one key, so a watcher of all keys without filters hears of each.
        if (spec.range().coversAllKeys() && !spec.noPut() && !spec.noDelete()) {
            long to = Math.min(stream.horizon, highestExisting);
            for (long revision = from; revision <= to; revision++) {
                boolean reportedAbove = timeline.at(revision).values().stream()
                        .anyMatch(ReferenceTimeline.Expected::mandatory);
                if (!reportedAbove && !stream.delivered.containsKey(revision)) {
                    violations.add(new WatchViolation(WatchViolation.Kind.MISSED, stream.name(), revision, null,
                            "a watcher of all keys heard nothing of revision " + revision + ", which exists"));
                }
            }
        }
    }

    /**
     * Revisions up to this one certainly exist: a known or placed write, or the header of some response, names it.
     * Events that match no write prove nothing.
     */
    private static long highestExistingRevision(ReferenceTimeline timeline, List<StreamAnalysis> streams) {
        long highest = timeline.lastRevision();
        for (StreamAnalysis stream : streams) {
            highest = Math.max(highest, stream.highestHeaderRevision);
        }
        return highest;
    }

    /** Watchers that saw the same event must agree on what they cannot be checked against. */
    private static void checkAgreement(List<Sighting> sightings, List<WatchViolation> violations) {
        Sighting first = sightings.getFirst();
        Sighting firstWithPrev = sightings.stream().filter(s -> s.stream().spec().prevKv()).findFirst().orElse(null);
        for (Sighting other : sightings) {
            WatchEvent event = other.event();
            if (other != first && !event.kv().equals(first.event().kv())) {
                violations.add(new WatchViolation(WatchViolation.Kind.DISAGREEMENT, other.stream().name(),
                        event.revision(), event.key(), event + " but " + first.stream().name() + " got "
                        + first.event()));
            } else if (firstWithPrev != null && other != firstWithPrev && other.stream().spec().prevKv()
                    && !Objects.equals(event.prevKv(), firstWithPrev.event().prevKv())) {
                violations.add(new WatchViolation(WatchViolation.Kind.DISAGREEMENT, other.stream().name(),
                        event.revision(), event.key(), "prev_kv " + event.prevKv() + " but "
                        + firstWithPrev.stream().name() + " got " + firstWithPrev.event().prevKv()));
            }
        }
    }
}
