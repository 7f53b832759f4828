package io.etcdj.verify.watch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams a correct etcd would deliver for random writes and watches must pass; the same streams with one injected
 * fault must be caught as that fault. Each seed is printed in the failure message.
 */
class SimulatedWatchesTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 25);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void correctStreamsPass(long seed) {
        SimulatedWatches.Scenario scenario = SimulatedWatches.generate(seed);
        WatchCheckResult result = WatchChecker.check(scenario.log(), scenario.watches());
        assertTrue(result.ok(), () -> "seed " + seed + "\n" + result.explain());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void droppedEventIsMissed(long seed) {
        assertCaught(seed, WatchViolation.Kind.MISSED, (scenario, watch) -> {
            // A committed event that is not the stream's last, so its loss is visible even without a vouch.
            List<Position> candidates = positions(watch).stream()
                    .filter(p -> scenario.committed().contains(p.event(watch).revision()))
                    .filter(p -> p.event(watch).revision() < lastEventRevision(watch))
                    .toList();
            if (candidates.isEmpty()) {
                return null;
            }
            Position drop = pick(seed, candidates);
            List<List<WatchEvent>> responses = eventLists(watch);
            responses.get(drop.response()).remove(drop.index());
            return rebuild(watch, responses);
        });
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void repeatedEventIsADuplicate(long seed) {
        assertCaught(seed, WatchViolation.Kind.DUPLICATE, (scenario, watch) -> {
            List<Position> candidates = positions(watch);
            if (candidates.isEmpty()) {
                return null;
            }
            Position repeat = pick(seed, candidates);
            List<List<WatchEvent>> responses = eventLists(watch);
            responses.get(repeat.response()).add(repeat.event(watch));
            return rebuild(watch, responses);
        });
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void swappedResponsesAreOutOfOrder(long seed) {
        assertCaught(seed, WatchViolation.Kind.OUT_OF_ORDER, (scenario, watch) -> {
            List<Integer> candidates = new ArrayList<>();
            for (int i = 0; i + 1 < watch.responses().size(); i++) {
                List<WatchEvent> here = watch.responses().get(i).events();
                List<WatchEvent> next = watch.responses().get(i + 1).events();
                if (!here.isEmpty() && !next.isEmpty()
                        && here.getFirst().revision() < next.getLast().revision()) {
                    candidates.add(i);
                }
            }
            if (candidates.isEmpty()) {
                return null;
            }
            int i = pick(seed, candidates);
            List<WatchResponse> responses = new ArrayList<>(watch.responses());
            responses.set(i, watch.responses().get(i + 1));
            responses.set(i + 1, watch.responses().get(i));
            return new RecordedWatch(watch.name(), watch.spec(), responses, watch.vouchedCompleteThrough());
        });
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void alteredPrevKvIsWrong(long seed) {
        assertCaught(seed, WatchViolation.Kind.WRONG_PREV_KV, (scenario, watch) -> {
            if (!watch.spec().prevKv()) {
                return null;
            }
            List<Position> candidates = positions(watch);
            if (candidates.isEmpty()) {
                return null;
            }
            Position alter = pick(seed, candidates);
            WatchEvent event = alter.event(watch);
            KeyValue wrong = event.prevKv() == null ? new KeyValue(event.key(), "bogus", 1, 1, 1)
                    : new KeyValue(event.key(), event.prevKv().value() + "-bogus", event.prevKv().createRevision(),
                    event.prevKv().modRevision(), event.prevKv().version());
            List<List<WatchEvent>> responses = eventLists(watch);
            responses.get(alter.response()).set(alter.index(), event.withPrevKv(wrong));
            return rebuild(watch, responses);
        });
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void eventForAWriteThatNeverHappenedIsAPhantom(long seed) {
        assertCaught(seed, WatchViolation.Kind.PHANTOM, (scenario, watch) -> {
            // Beside a delivered event, a put of a key in range that its revision did not write.
            List<Position> candidates = positions(watch).stream()
                    .filter(p -> unwrittenKeyInRange(scenario, watch, p.event(watch).revision()) != null)
                    .filter(p -> watch.spec().passes(EventType.PUT))
                    .toList();
            if (candidates.isEmpty()) {
                return null;
            }
            Position beside = pick(seed, candidates);
            long revision = beside.event(watch).revision();
            String key = unwrittenKeyInRange(scenario, watch, revision);
            List<List<WatchEvent>> responses = eventLists(watch);
            responses.get(beside.response()).add(beside.index() + 1,
                    WatchEvent.put(new KeyValue(key, "phantom", revision, revision, 1)));
            return rebuild(watch, responses);
        });
    }

    /** Applies {@code fault} to the first stream (in a seed-chosen rotation) it applies to, and expects it caught. */
    private static void assertCaught(long seed, WatchViolation.Kind kind,
                                     BiFunction<SimulatedWatches.Scenario, RecordedWatch, RecordedWatch> fault) {
        SimulatedWatches.Scenario scenario = SimulatedWatches.generate(seed);
        List<RecordedWatch> watches = scenario.watches();
        int offset = new Random(seed).nextInt(watches.size());
        for (int i = 0; i < watches.size(); i++) {
            int target = (offset + i) % watches.size();
            RecordedWatch faulty = fault.apply(scenario, watches.get(target));
            if (faulty != null) {
                List<RecordedWatch> mutated = new ArrayList<>(watches);
                mutated.set(target, faulty);
                WatchCheckResult result = WatchChecker.check(scenario.log(), mutated);
                assertFalse(result.ofKind(kind).isEmpty(), () -> "seed " + seed + ", fault in "
                        + faulty.name() + " not reported as " + kind + "\n" + result.explain());
                return;
            }
        }
        throw new AssertionError("seed " + seed + ": no stream to inject " + kind + " into");
    }

    private record Position(int response, int index) {
        WatchEvent event(RecordedWatch watch) {
            return watch.responses().get(response).events().get(index);
        }
    }

    private static List<Position> positions(RecordedWatch watch) {
        List<Position> positions = new ArrayList<>();
        for (int r = 0; r < watch.responses().size(); r++) {
            for (int i = 0; i < watch.responses().get(r).events().size(); i++) {
                positions.add(new Position(r, i));
            }
        }
        return positions;
    }

    private static long lastEventRevision(RecordedWatch watch) {
        return positions(watch).stream().mapToLong(p -> p.event(watch).revision()).max().orElse(0);
    }

    private static <T> T pick(long seed, List<T> candidates) {
        return candidates.get(new Random(seed * 31).nextInt(candidates.size()));
    }

    private static List<List<WatchEvent>> eventLists(RecordedWatch watch) {
        List<List<WatchEvent>> lists = new ArrayList<>();
        watch.responses().forEach(r -> lists.add(new ArrayList<>(r.events())));
        return lists;
    }

    /** The stream with new event lists, dropping responses left empty (they would read as progress). */
    private static RecordedWatch rebuild(RecordedWatch watch, List<List<WatchEvent>> events) {
        List<WatchResponse> responses = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            WatchResponse original = watch.responses().get(i);
            if (original.events().isEmpty()) {
                responses.add(original);
            } else if (!events.get(i).isEmpty()) {
                responses.add(new WatchResponse(original.headerRevision(), original.created(), original.canceled(),
                        original.compactRevision(), events.get(i)));
            }
        }
        return new RecordedWatch(watch.name(), watch.spec(), responses, watch.vouchedCompleteThrough());
    }

    private static String unwrittenKeyInRange(SimulatedWatches.Scenario scenario, RecordedWatch watch,
                                              long revision) {
        List<String> written = scenario.truth().get(revision).stream().map(WatchEvent::key).toList();
        return SimulatedWatches.KEYS.stream()
                .filter(k -> watch.spec().range().contains(k) && !written.contains(k))
                .findFirst().orElse(null);
    }
}
