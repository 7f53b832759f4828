package io.etcdj.verify.watch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.etcdj.verify.watch.WatchViolation.Kind.AFTER_CANCEL;
import static io.etcdj.verify.watch.WatchViolation.Kind.BAD_COMPACTION;
import static io.etcdj.verify.watch.WatchViolation.Kind.DISAGREEMENT;
import static io.etcdj.verify.watch.WatchViolation.Kind.DUPLICATE;
import static io.etcdj.verify.watch.WatchViolation.Kind.MISSED;
import static io.etcdj.verify.watch.WatchViolation.Kind.OUT_OF_ORDER;
import static io.etcdj.verify.watch.WatchViolation.Kind.OUT_OF_RANGE;
import static io.etcdj.verify.watch.WatchViolation.Kind.PHANTOM;
import static io.etcdj.verify.watch.WatchViolation.Kind.SPLIT_REVISION;
import static io.etcdj.verify.watch.WatchViolation.Kind.WRONG_EVENT;
import static io.etcdj.verify.watch.WatchViolation.Kind.WRONG_PREV_KV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-built logs and streams. The store starts at revision 1, then:
 * 2 put a=1; 3 put b=1; 4 txn(put a=2, put c=1); 5 delete a; 6 put a=3.
 */
class WatchCheckerTest {

    private static final KeyValue A1 = new KeyValue("a", "1", 2, 2, 1);
    private static final KeyValue B1 = new KeyValue("b", "1", 3, 3, 1);
    private static final KeyValue A2 = new KeyValue("a", "2", 2, 4, 2);
    private static final KeyValue C1 = new KeyValue("c", "1", 4, 4, 1);
    private static final KeyValue A3 = new KeyValue("a", "3", 6, 6, 1);

    private static final WatchEvent PUT_A1 = WatchEvent.put(A1);
    private static final WatchEvent PUT_B1 = WatchEvent.put(B1);
    private static final WatchEvent PUT_A2 = WatchEvent.put(A2).withPrevKv(A1);
    private static final WatchEvent PUT_C1 = WatchEvent.put(C1);
    private static final WatchEvent DEL_A = WatchEvent.delete("a", 5).withPrevKv(A2);
    private static final WatchEvent PUT_A3 = WatchEvent.put(A3);

    private static WriteLog.Builder log() {
        return WriteLog.builder(1)
                .committed(2, Change.put("a", "1"))
                .committed(3, Change.put("b", "1"))
                .committed(4, Change.put("a", "2"), Change.put("c", "1"))
                .committed(5, Change.delete("a"))
                .committed(6, Change.put("a", "3"));
    }

    private static WatchResponse events(long header, WatchEvent... events) {
        return WatchResponse.events(header, List.of(events));
    }

    /** The same events without prev_kv, as a watch that did not ask for it receives them. */
    private static WatchEvent bare(WatchEvent event) {
        return new WatchEvent(event.type(), event.kv(), null);
    }

    private static RecordedWatch watch(String name, WatchSpec spec, WatchResponse... responses) {
        return watch(name, spec, 0, responses);
    }

    private static RecordedWatch watch(String name, WatchSpec spec, long vouched, WatchResponse... responses) {
        WatchStreamRecorder recorder = new WatchStreamRecorder(name, spec);
        for (WatchResponse response : responses) {
            recorder.onResponse(response);
        }
        recorder.vouchCompleteThrough(vouched);
        return recorder.recorded();
    }

    /** A watch of all keys from revision 2 with prev_kv, receiving everything correctly. */
    private static RecordedWatch allKeys(WatchResponse... responses) {
        return watch("all", WatchSpec.of(KeyRange.allKeys()).from(2).withPrevKv(), responses);
    }

    private static WatchCheckResult check(WriteLog.Builder log, RecordedWatch... watches) {
        return WatchChecker.check(log.build(), List.of(watches));
    }

    private static void assertOk(WatchCheckResult result) {
        assertTrue(result.ok(), result::explain);
    }

    private static void assertOnly(WatchViolation.Kind kind, int count, WatchCheckResult result) {
        assertEquals(count, result.ofKind(kind).size(), result::explain);
        assertEquals(count, result.violations().size(), result::explain);
    }

    @Test
    void correctStreamsPass() {
        assertOk(check(log(),
                allKeys(WatchResponse.created(1), events(2, PUT_A1), events(4, PUT_B1, PUT_A2, PUT_C1),
                        events(6, DEL_A, PUT_A3), WatchResponse.progress(6)),
                watch("prefix-a", WatchSpec.of(KeyRange.prefix("a")).from(4),
                        events(6, bare(PUT_A2)), events(6, bare(DEL_A), bare(PUT_A3))),
                watch("b-from-now", WatchSpec.of(KeyRange.single("b")), 6,
                        WatchResponse.created(2), events(3, PUT_B1)),
                watch("interval-b-c", WatchSpec.of(KeyRange.interval("b", "c\u0000")).from(3), 6,
                        events(4, PUT_B1), events(4, bare(PUT_C1))),
                watch("deletes-only", WatchSpec.of(KeyRange.allKeys()).from(2).withoutPuts().withPrevKv(), 6,
                        events(5, DEL_A))));
    }

    @Test
    void acknowledgedWriteNeverDeliveredIsMissed() {
        WatchCheckResult result = check(log(),
                allKeys(events(2, PUT_A1), events(4, PUT_A2, PUT_C1), events(6, DEL_A, PUT_A3)));
        assertOnly(MISSED, 1, result);
        WatchViolation missed = result.violations().getFirst();
        assertEquals(3, missed.revision());
        assertEquals("b", missed.key());
        assertEquals("all", missed.watch());
    }

    @Test
    void oneEventOfATransactionMissingIsMissed() {
        assertOnly(MISSED, 1, check(log(),
                allKeys(events(2, PUT_A1), events(3, PUT_B1), events(4, PUT_A2), events(6, DEL_A, PUT_A3))));
    }

    @Test
    void eventsNotYetDeliveredAreMissedOnlyOnceTheStreamIsKnownComplete() {
        WatchSpec spec = WatchSpec.of(KeyRange.allKeys()).from(2).withPrevKv();
        assertOk(check(log(), watch("slow", spec, events(3, PUT_A1, PUT_B1))));
        assertOnly(MISSED, 4, check(log(), watch("vouched", spec, 6, events(3, PUT_A1, PUT_B1))));
        assertOnly(MISSED, 4, check(log(), watch("progressed", spec, events(3, PUT_A1, PUT_B1),
                WatchResponse.progress(6))));
    }

    @Test
    void duplicateEventIsReported() {
        assertOnly(DUPLICATE, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_B1, PUT_A2, PUT_C1), events(6, DEL_A, PUT_A3))));
    }

    @Test
    void outOfOrderEventsAreReported() {
        WatchCheckResult result = check(log(),
                allKeys(events(2, PUT_A1), events(4, PUT_A2, PUT_C1), events(4, PUT_B1), events(6, DEL_A, PUT_A3)));
        assertOnly(OUT_OF_ORDER, 1, result);
        assertEquals(3, result.violations().getFirst().revision());
    }

    @Test
    void progressNotificationsOrderEvents() {
        assertOnly(OUT_OF_ORDER, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), WatchResponse.progress(2), events(6, PUT_A2, PUT_C1),
                        events(6, DEL_A, PUT_A3))));
        assertOnly(OUT_OF_ORDER, 1, check(log(),
                allKeys(events(2, PUT_A1), WatchResponse.progress(3), events(3, PUT_B1),
                        events(6, PUT_A2, PUT_C1, DEL_A, PUT_A3))));
    }

    @Test
    void wrongPrevKvIsReported() {
        WatchEvent wrongPrev = WatchEvent.put(A2).withPrevKv(new KeyValue("a", "0", 2, 2, 1));
        assertOnly(WRONG_PREV_KV, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, wrongPrev, PUT_C1), events(6, DEL_A, PUT_A3))));
        // A fresh key has no previous value.
        assertOnly(WRONG_PREV_KV, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_A2, PUT_C1), events(6, DEL_A,
                        PUT_A3.withPrevKv(A2)))));
        // Missing when requested.
        assertOnly(WRONG_PREV_KV, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, bare(PUT_A2), PUT_C1), events(6, DEL_A, PUT_A3))));
    }

    @Test
    void prevKvSentThoughNotRequestedIsReported() {
        assertOnly(WRONG_PREV_KV, 1, check(log(),
                watch("prefix-a", WatchSpec.of(KeyRange.prefix("a")).from(4), events(4, PUT_A2))));
    }

    @Test
    void eventOfAWriteThatNeverHappenedIsAPhantom() {
        WatchEvent neverWritten = WatchEvent.put(new KeyValue("b", "zzz", 3, 5, 2));
        WatchCheckResult result = check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_A2, PUT_C1), events(6, DEL_A, neverWritten, PUT_A3)));
        assertOnly(PHANTOM, 1, result);
        assertEquals("b", result.violations().getFirst().key());
        // A revision nobody wrote. (Its header claims revision 9 exists, so a watcher of all keys would also owe
        // revisions 7 and 8: watch one key.)
        assertOnly(PHANTOM, 1, check(log(), watch("d", WatchSpec.of(KeyRange.single("d")).from(2),
                events(9, WatchEvent.put(new KeyValue("d", "1", 9, 9, 1))))));
    }

    @Test
    void wrongValueVersionOrRevisionsAreReported() {
        assertOnly(WRONG_EVENT, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, WatchEvent.put(new KeyValue("a", "2", 2, 4, 1))
                        .withPrevKv(A1), PUT_C1), events(6, DEL_A, PUT_A3))));
        assertOnly(WRONG_EVENT, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_A2, PUT_C1), events(6, DEL_A,
                        WatchEvent.put(new KeyValue("a", "3", 2, 6, 3))))));
        assertOnly(WRONG_EVENT, 1, check(log(),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_A2, PUT_C1),
                        events(6, new WatchEvent(EventType.PUT, KeyValue.tombstone("a", 5), A2), PUT_A3))));
    }

    @Test
    void revisionSplitOverResponsesIsReportedUnlessFragmentsWereAllowed() {
        WatchResponse[] split = {events(3, PUT_A1, PUT_B1), events(4, PUT_A2), events(4, PUT_C1),
                events(6, DEL_A, PUT_A3)};
        assertOnly(SPLIT_REVISION, 1, check(log(), allKeys(split)));
        assertOk(check(log(), watch("fragmented", WatchSpec.of(KeyRange.allKeys()).from(2).withPrevKv().fragmented(),
                split)));
    }

    @Test
    void eventsOutsideTheWatchAreReported() {
        assertOnly(OUT_OF_RANGE, 1, check(log(),
                watch("prefix-a", WatchSpec.of(KeyRange.prefix("a")).from(4), events(4, bare(PUT_A2), bare(PUT_C1)))));
        assertOnly(OUT_OF_RANGE, 1, check(log(),
                watch("from-3", WatchSpec.of(KeyRange.prefix("a")).from(3), events(4, bare(PUT_A1)))));
        assertOnly(OUT_OF_RANGE, 1, check(log(),
                watch("no-puts", WatchSpec.of(KeyRange.allKeys()).from(2).withoutPuts(), events(4, bare(PUT_A1)))));
        // Filtered events are not owed.
        assertOk(check(log(), watch("no-deletes", WatchSpec.of(KeyRange.prefix("a")).from(2).withoutDeletes(), 6,
                events(2, bare(PUT_A1)), events(4, bare(PUT_A2)), events(6, bare(PUT_A3)))));
    }

    @Test
    void compactionMayCutAStreamShortButOnlyAboveWhatItNeeds() {
        WatchSpec spec = WatchSpec.of(KeyRange.allKeys()).from(2).withPrevKv();
        assertOk(check(log(), watch("compacted", spec, 6, events(2, PUT_A1), WatchResponse.compacted(6, 4))));
        assertOnly(BAD_COMPACTION, 1, check(log(),
                watch("compacted", spec, events(2, PUT_A1), WatchResponse.compacted(6, 3))));
        assertOnly(BAD_COMPACTION, 1, check(log(),
                watch("compacted", WatchSpec.of(KeyRange.allKeys()).from(5), WatchResponse.compacted(6, 5))));
        assertOnly(BAD_COMPACTION, 1, check(log(),
                watch("compacted", spec, events(2, PUT_A1), WatchResponse.compacted(6, 7))));
        assertOnly(AFTER_CANCEL, 1, check(log(),
                watch("compacted", spec, events(2, PUT_A1), WatchResponse.compacted(6, 4), events(6, PUT_A3))));
        assertOnly(AFTER_CANCEL, 1, check(log(),
                watch("canceled", spec, events(2, PUT_A1), WatchResponse.canceled(6), events(3, PUT_B1))));
    }

    @Test
    void watchFromNowStartsAfterTheCreatedRevisionOrEarlier() {
        WatchSpec spec = WatchSpec.of(KeyRange.allKeys()).withPrevKv();
        assertOk(check(log(), watch("now", spec, 6, WatchResponse.created(3), events(4, PUT_A2, PUT_C1),
                events(6, DEL_A, PUT_A3))));
        // etcd may register the watcher a revision or two before it reads the created header.
        assertOk(check(log(), watch("now", spec, 6, WatchResponse.created(3), events(3, PUT_B1),
                events(4, PUT_A2, PUT_C1), events(6, DEL_A, PUT_A3))));
        assertOnly(MISSED, 2, check(log(), watch("now", spec, 6, WatchResponse.created(3),
                events(6, DEL_A, PUT_A3))));
    }

    @Test
    void allKeysWatcherMustHearOfEveryExistingRevision() {
        // Revision 7 exists (8 was acknowledged) but nobody knows what it wrote.
        WriteLog.Builder log = log().committed(8, Change.put("b", "2"));
        WatchEvent putB2 = WatchEvent.put(new KeyValue("b", "2", 3, 8, 2)).withPrevKv(B1);
        WatchCheckResult result = check(log, allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_A2, PUT_C1),
                events(8, DEL_A, PUT_A3), events(8, putB2)));
        assertOnly(MISSED, 1, result);
        assertEquals(7, result.violations().getFirst().revision());
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("revision 7")), result::explain);
    }

    @Test
    void deleteOfAnAbsentKeyDeliversNothing() {
        assertOk(check(log().committed(7, Change.put("d", "1"), Change.delete("zzz")),
                allKeys(events(3, PUT_A1, PUT_B1), events(4, PUT_A2, PUT_C1), events(6, DEL_A, PUT_A3),
                        events(7, WatchEvent.put(new KeyValue("d", "1", 7, 7, 1))), WatchResponse.progress(7))));
    }

    @Test
    void keysExistingAtTheBaseRevisionGivePrevKvAndVersions() {
        KeyValue x0 = new KeyValue("x", "0", 1, 1, 1);
        WriteLog.Builder log = WriteLog.builder(1).existing(x0).committed(2, Change.put("x", "1"));
        WatchSpec spec = WatchSpec.of(KeyRange.single("x")).from(2).withPrevKv();
        assertOk(check(log, watch("x", spec, events(2, WatchEvent.put(new KeyValue("x", "1", 1, 2, 2))
                .withPrevKv(x0)))));
        assertOnly(WRONG_EVENT, 1, check(log, watch("x", spec, events(2, WatchEvent.put(
                new KeyValue("x", "1", 2, 2, 1)).withPrevKv(x0)))));
    }

    /** Uncertain writes: rev 7 was an unacknowledged put a=4; put b=9 was never applied. */
    private static WriteLog.Builder uncertainLog() {
        return log().uncertain(Change.put("a", "4")).uncertain(Change.put("b", "9"));
    }

    private static final WatchEvent PUT_A4 = WatchEvent.put(new KeyValue("a", "4", 6, 7, 2)).withPrevKv(A3);

    @Test
    void uncertainWriteMayAppearOrNot() {
        WatchSpec spec = WatchSpec.of(KeyRange.prefix("a")).from(6).withPrevKv();
        assertOk(check(uncertainLog(), watch("a", spec, events(6, PUT_A3), events(7, PUT_A4)),
                watch("a-too", spec, events(7, PUT_A3, PUT_A4))));
        assertOk(check(uncertainLog(), watch("a", spec, 6, events(6, PUT_A3))));
    }

    @Test
    void uncertainWriteSeenByOneWatcherIsOwedByEveryWatcherCoveringIt() {
        WatchSpec spec = WatchSpec.of(KeyRange.prefix("a")).from(6).withPrevKv();
        WatchCheckResult result = check(uncertainLog(), watch("saw-it", spec, events(7, PUT_A3, PUT_A4)),
                watch("missed-it", spec, 7, events(6, PUT_A3)));
        assertOnly(MISSED, 1, result);
        assertEquals("missed-it", result.violations().getFirst().watch());
    }

    @Test
    void anUncertainWriteTakesEffectAtMostOnce() {
        WatchSpec spec = WatchSpec.of(KeyRange.prefix("a")).from(6);
        WatchEvent again = WatchEvent.put(new KeyValue("a", "4", 6, 8, 3));
        assertOnly(PHANTOM, 1, check(uncertainLog(), watch("a", spec, events(6, bare(PUT_A3)),
                events(7, bare(PUT_A4)), events(8, again))));
        // Nor with different content.
        assertOnly(PHANTOM, 1, check(uncertainLog(), watch("a", spec, events(6, bare(PUT_A3)),
                events(7, WatchEvent.put(new KeyValue("a", "5", 6, 7, 2))))));
    }

    @Test
    void watchersMustAgreeWhereTheLogCannotTell() {
        // Revision 7 (put a=4) was seen by nobody, so a's version at revision 8 is unknown to the log.
        WriteLog.Builder log = uncertainLog().committed(8, Change.put("a", "5"));
        WatchSpec spec = WatchSpec.of(KeyRange.prefix("a")).from(8).withPrevKv();
        KeyValue a5 = new KeyValue("a", "5", 6, 8, 3);
        KeyValue a4 = new KeyValue("a", "4", 6, 7, 2);
        assertOk(check(log, watch("one", spec, events(8, WatchEvent.put(a5).withPrevKv(a4))),
                watch("two", spec, events(8, WatchEvent.put(a5).withPrevKv(a4)))));
        WatchCheckResult result = check(log,
                watch("one", spec, events(8, WatchEvent.put(a5).withPrevKv(a4))),
                watch("two", spec, events(8, WatchEvent.put(new KeyValue("a", "5", 6, 8, 2)).withPrevKv(a4))));
        assertOnly(DISAGREEMENT, 1, result);
        assertEquals("two", result.violations().getFirst().watch());
        assertOnly(DISAGREEMENT, 1, check(log,
                watch("one", spec, events(8, WatchEvent.put(a5).withPrevKv(a4))),
                watch("two", spec, events(8, WatchEvent.put(a5).withPrevKv(A3)))));
        // The value is still known.
        assertOnly(WRONG_EVENT, 1, check(log, watch("one", spec, events(8, WatchEvent.put(
                new KeyValue("a", "6", 6, 8, 3)).withPrevKv(a4)))));
    }

    @Test
    void writeLogRejectsImpossibleInput() {
        assertThrowsIllegal(() -> WriteLog.builder(5).committed(5, Change.put("a", "1")));
        assertThrowsIllegal(() -> WriteLog.builder(1).committed(2, Change.put("a", "1"), Change.delete("a")));
        assertThrowsIllegal(() -> WriteLog.builder(1).committed(2, Change.put("a", "1")).committed(2,
                Change.put("b", "1")));
        assertThrowsIllegal(() -> WriteLog.builder(1).uncertain());
        assertThrowsIllegal(() -> WriteLog.builder(1).existing(new KeyValue("a", "1", 2, 2, 1)));
    }

    private static void assertThrowsIllegal(org.junit.jupiter.api.function.Executable executable) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, executable);
    }
}
