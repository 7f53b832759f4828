package io.etcdj.verify.watch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The events that should have been delivered, revision by revision: the committed writes of the log, plus the
 * uncertain writes that watchers showed to have happened, replayed from the base state so that every event's
 * create revision, version and prev_kv are known, or marked uncertain where the log cannot tell them.
 */
final class ReferenceTimeline {

    /**
     * One event that should exist.
     *
     * @param event         the event with its prev_kv
     * @param fieldsCertain whether create revision, version and prev_kv are known (else only watchers' agreement
     *                      can be checked)
     * @param mandatory     whether it certainly happened (else it may be absent: a delete of a key whose existence
     *                      is uncertain)
     */
    record Expected(WatchEvent event, boolean fieldsCertain, boolean mandatory) {
    }

    private final NavigableMap<Long, Map<String, Expected>> expected = new TreeMap<>();
    private final long lastRevision;

    private ReferenceTimeline(long lastRevision) {
        this.lastRevision = lastRevision;
    }

    /** The highest revision a known or placed write took; the base revision if none. */
    long lastRevision() {
        return lastRevision;
    }

    /** Expected events at {@code revision}, by key; empty if none is known. */
    Map<String, Expected> at(long revision) {
        return expected.getOrDefault(revision, Map.of());
    }

    /** Expected events with revisions in {@code [from, to]}. */
    NavigableMap<Long, Map<String, Expected>> between(long from, long to) {
        return from > to ? new TreeMap<>() : expected.subMap(from, true, to, true);
    }

    static ReferenceTimeline build(WriteLog log, List<StreamAnalysis> streams, List<String> notes) {
        NavigableMap<Long, List<Change>> writes = new TreeMap<>(log.committed());
        List<List<Change>> unplaced = new ArrayList<>(log.uncertain());
        placeUncertainWrites(log, streams, writes, unplaced);
        ReferenceTimeline timeline = new ReferenceTimeline(writes.isEmpty() ? log.baseRevision() : writes.lastKey());
        timeline.replay(log, writes, unplaced, notes);
        return timeline;
    }

    /**
     * Every revision after the base that some watcher delivered and the log does not know must be one uncertain
     * write: the smallest one that contains all the changes seen there, each write used once. Revisions nothing
     * explains stay unknown, and their events will be reported as phantoms.
     */
    private static void placeUncertainWrites(WriteLog log, List<StreamAnalysis> streams,
                                             NavigableMap<Long, List<Change>> writes, List<List<Change>> unplaced) {
        NavigableMap<Long, Map<String, WatchEvent>> observed = new TreeMap<>();
        for (StreamAnalysis stream : streams) {
            stream.delivered.forEach((revision, events) -> events.forEach((key, event) ->
                    observed.computeIfAbsent(revision, r -> new HashMap<>()).putIfAbsent(key, event)));
        }
        for (Map.Entry<Long, Map<String, WatchEvent>> at : observed.tailMap(log.baseRevision(), false).entrySet()) {
            if (writes.containsKey(at.getKey())) {
                continue;
            }
            Optional<List<Change>> write = unplaced.stream()
                    .filter(changes -> at.getValue().values().stream().allMatch(
                            event -> changes.stream().anyMatch(change -> change.describes(event))))
                    .min(Comparator.comparingInt(List::size));
            write.ifPresent(changes -> {
                writes.put(at.getKey(), changes);
                unplaced.remove(changes);
            });
        }
    }

    private void replay(WriteLog log, NavigableMap<Long, List<Change>> writes, List<List<Change>> unplaced,
                        List<String> notes) {
        Map<String, KeyValue> present = new HashMap<>(log.existing());
        Set<String> unplacedKeys = new HashSet<>();
        unplaced.forEach(changes -> changes.forEach(change -> unplacedKeys.add(change.key())));
        KeyUncertainty uncertainty = new KeyUncertainty();
        for (long revision = log.baseRevision() + 1; revision <= lastRevision; revision++) {
            List<Change> changes = writes.get(revision);
            if (changes == null) {
                // Something we do not know took this revision: perhaps an unplaced uncertain write.
                if (unplacedKeys.isEmpty()) {
                    notes.add("revision " + revision + " is explained by no known write; from there on every key's"
                            + " version, create revision and prev_kv are checked only for agreement between watchers");
                    uncertainty.taintAll();
                } else {
                    unplacedKeys.forEach(uncertainty::taint);
                }
                continue;
            }
            Map<String, Expected> events = new LinkedHashMap<>();
            for (Change change : changes) {
                boolean certain = !uncertainty.isTainted(change.key());
                KeyValue previous = present.get(change.key());
                if (change.type() == EventType.PUT) {
                    KeyValue kv = previous == null
                            ? new KeyValue(change.key(), change.value(), revision, revision, 1)
                            : new KeyValue(change.key(), change.value(), previous.createRevision(), revision,
                            previous.version() + 1);
                    events.put(change.key(), new Expected(WatchEvent.put(kv).withPrevKv(previous), certain, true));
                    present.put(change.key(), kv);
                } else {
                    if (previous != null || !certain) {
                        events.put(change.key(), new Expected(
                                WatchEvent.delete(change.key(), revision).withPrevKv(previous), certain,
                                certain));
                    }
                    present.remove(change.key());
                    uncertainty.clear(change.key());
                }
            }
            if (events.isEmpty()) {
                notes.add("the log says revision " + revision + " changed only absent keys, which in etcd takes no"
                        + " revision; the log is suspect");
            }
            expected.put(revision, events);
        }
    }

    /** Which keys' state the log cannot tell, because an unknown write may have changed them. */
    private static final class KeyUncertainty {
        private final Set<String> tainted = new HashSet<>();
        private final Set<String> knownSinceTaintAll = new HashSet<>();
        private boolean allTainted;

        void taint(String key) {
            tainted.add(key);
        }

        void taintAll() {
            allTainted = true;
            knownSinceTaintAll.clear();
        }

        /** A delete leaves the key absent whatever happened before. */
        void clear(String key) {
            tainted.remove(key);
            knownSinceTaintAll.add(key);
        }

        boolean isTainted(String key) {
            return tainted.contains(key) || allTainted && !knownSinceTaintAll.contains(key);
        }
    }
}
