package io.etcdj.verify.watch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Random writes to a simulated store and the streams a correct etcd would deliver to random watches of it, with
 * the log a test would have recorded (some writes acknowledged, some of unknown outcome, some unknown ones never
 * applied). Fully determined by the seed.
 */
final class SimulatedWatches {

    static final List<String> KEYS = List.of("a/1", "a/2", "a/3", "b/1", "b/2", "c");
    static final long BASE = 1;

    /**
     * @param committed revisions the log knows; the others after the base were writes of unknown outcome
     */
    record Scenario(WriteLog log, List<RecordedWatch> watches, Map<Long, List<WatchEvent>> truth,
                    Set<Long> committed, long lastRevision) {
    }

    private final Random random;
    private final TreeMap<Long, List<WatchEvent>> truth = new TreeMap<>();
    private long lastRevision;

    private SimulatedWatches(long seed) {
        this.random = new Random(seed);
    }

    static Scenario generate(long seed) {
        return new SimulatedWatches(seed).scenario();
    }

    private Scenario scenario() {
        WriteLog.Builder log = WriteLog.builder(BASE);
        Set<Long> committed = new TreeSet<>();
        Map<String, KeyValue> present = new HashMap<>();
        int nextValue = 0;
        lastRevision = BASE;
        for (int i = 0; i < 60; i++) {
            long revision = ++lastRevision;
            List<String> keys = new ArrayList<>(KEYS);
            Collections.shuffle(keys, random);
            List<Change> changes = new ArrayList<>();
            List<WatchEvent> events = new ArrayList<>();
            for (String key : keys.subList(0, 1 + random.nextInt(3))) {
                KeyValue previous = present.get(key);
                if (previous != null && random.nextInt(10) < 3) {
                    changes.add(Change.delete(key));
                    events.add(WatchEvent.delete(key, revision).withPrevKv(previous));
                    present.remove(key);
                } else {
                    String value = "v" + nextValue++;
                    KeyValue kv = previous == null ? new KeyValue(key, value, revision, revision, 1)
                            : new KeyValue(key, value, previous.createRevision(), revision, previous.version() + 1);
                    changes.add(Change.put(key, value));
                    events.add(WatchEvent.put(kv).withPrevKv(previous));
                    present.put(key, kv);
                }
            }
            truth.put(revision, events);
            if (random.nextInt(10) == 0) {
                log.uncertain(changes.toArray(Change[]::new));
            } else {
                log.committed(revision, changes.toArray(Change[]::new));
                committed.add(revision);
            }
        }
        for (int i = 0; i < 3; i++) {
            log.uncertain(Change.put(KEYS.get(random.nextInt(KEYS.size())), "ghost" + i));
        }
        List<RecordedWatch> watches = new ArrayList<>();
        // Sees everything, so every write of unknown outcome that happened is placed.
        watches.add(stream("complete", WatchSpec.of(KeyRange.allKeys()).from(BASE + 1).withPrevKv(), 0,
                lastRevision, true));
        for (int i = 0; i < 6; i++) {
            watches.add(randomStream("w" + i));
        }
        return new Scenario(log.build(), watches, truth, committed, lastRevision);
    }

    private RecordedWatch randomStream(String name) {
        KeyRange range = switch (random.nextInt(4)) {
            case 0 -> KeyRange.single(KEYS.get(random.nextInt(KEYS.size())));
            case 1 -> KeyRange.prefix("a/");
            case 2 -> KeyRange.interval("a/2", "b/2");
            default -> KeyRange.allKeys();
        };
        WatchSpec spec = WatchSpec.of(range);
        long created = 0;
        if (random.nextBoolean()) {
            spec = spec.from(BASE + 1 + random.nextInt((int) (lastRevision - BASE)));
        } else {
            created = BASE + random.nextInt((int) (lastRevision - BASE));
        }
        if (random.nextBoolean()) {
            spec = spec.withPrevKv();
        }
        switch (random.nextInt(6)) {
            case 0 -> spec = spec.withoutPuts();
            case 1 -> spec = spec.withoutDeletes();
            default -> {
            }
        }
        if (random.nextInt(5) == 0) {
            spec = spec.fragmented();
        }
        long first = spec.startRevision() > 0 ? spec.startRevision() : created + 1;
        return switch (random.nextInt(4)) {
            case 0 -> stream(name, spec, created, lastRevision, true);
            case 1 -> stream(name, spec, created, first + random.nextInt(20), false);
            case 2 -> compacted(name, spec, created, first + random.nextInt(20));
            default -> withFinalProgress(stream(name, spec, created, lastRevision, false));
        };
    }

    /** The events {@code spec} must receive with revisions in {@code [from, to]}, by revision. */
    private Map<Long, List<WatchEvent>> wanted(WatchSpec spec, long from, long to) {
        Map<Long, List<WatchEvent>> wanted = new LinkedHashMap<>();
        truth.subMap(from, true, to, true).forEach((revision, events) -> {
            List<WatchEvent> kept = events.stream()
                    .filter(e -> spec.wants(e.key(), e.type()))
                    .map(e -> spec.prevKv() ? e : new WatchEvent(e.type(), e.kv(), null))
                    .toList();
            if (!kept.isEmpty()) {
                wanted.put(revision, kept);
            }
        });
        return wanted;
    }

    /** A correct stream delivering every wanted event up to {@code through}, in responses of random size. */
    private RecordedWatch stream(String name, WatchSpec spec, long created, long through, boolean vouch) {
        WatchStreamRecorder recorder = new WatchStreamRecorder(name, spec);
        long first = spec.startRevision() > 0 ? spec.startRevision() : created + 1;
        if (spec.startRevision() == 0) {
            recorder.onResponse(WatchResponse.created(created));
        }
        List<WatchEvent> pending = new ArrayList<>();
        long pendingRevision = 0;
        for (Map.Entry<Long, List<WatchEvent>> at : wanted(spec, first, through).entrySet()) {
            if (spec.fragment() && at.getValue().size() > 1 && random.nextBoolean()) {
                flush(recorder, pending, pendingRevision);
                for (WatchEvent event : at.getValue()) {
                    recorder.onResponse(WatchResponse.events(at.getKey(), List.of(event)));
                }
                continue;
            }
            pending.addAll(at.getValue());
            pendingRevision = at.getKey();
            if (random.nextInt(3) == 0) {
                flush(recorder, pending, pendingRevision);
                if (random.nextInt(4) == 0) {
                    recorder.onResponse(WatchResponse.progress(pendingRevision));
                }
            }
        }
        flush(recorder, pending, pendingRevision);
        if (vouch) {
            recorder.vouchCompleteThrough(through);
        }
        return recorder.recorded();
    }

    private static void flush(WatchStreamRecorder recorder, List<WatchEvent> pending, long revision) {
        if (!pending.isEmpty()) {
            recorder.onResponse(WatchResponse.events(revision, List.copyOf(pending)));
            pending.clear();
        }
    }

    private RecordedWatch withFinalProgress(RecordedWatch watch) {
        List<WatchResponse> responses = new ArrayList<>(watch.responses());
        responses.add(WatchResponse.progress(lastRevision));
        return new RecordedWatch(watch.name(), watch.spec(), responses, watch.vouchedCompleteThrough());
    }

    /** A stream delivering up to {@code through}, then cancelled by a compaction above what it still needed. */
    private RecordedWatch compacted(String name, WatchSpec spec, long created, long through) {
        RecordedWatch delivered = stream(name, spec, created, through, false);
        long needed = Math.max(Math.max(spec.startRevision(), 1), through + 1);
        List<WatchResponse> responses = new ArrayList<>(delivered.responses());
        long compactRevision = needed + 1 + random.nextInt(5);
        responses.add(compactRevision <= lastRevision ? WatchResponse.compacted(lastRevision, compactRevision)
                : WatchResponse.canceled(lastRevision));
        return new RecordedWatch(name, spec, responses, 0);
    }
}
