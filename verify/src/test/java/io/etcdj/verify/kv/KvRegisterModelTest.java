package io.etcdj.verify.kv;

import io.etcdj.verify.History;
import io.etcdj.verify.linearizability.Counterexample;
import io.etcdj.verify.linearizability.LinearizabilityChecker;
import io.etcdj.verify.linearizability.LinearizabilityResult;
import io.etcdj.verify.linearizability.Verdict;
import io.etcdj.verify.kv.KvResult.CasResult;
import io.etcdj.verify.kv.KvResult.DeleteResult;
import io.etcdj.verify.kv.KvResult.GetResult;
import io.etcdj.verify.kv.KvResult.PutResult;
import org.junit.jupiter.api.Test;

import static io.etcdj.verify.kv.KvOp.cas;
import static io.etcdj.verify.kv.KvOp.delete;
import static io.etcdj.verify.kv.KvOp.get;
import static io.etcdj.verify.kv.KvOp.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built histories whose verdict under the per-key register model is known. */
class KvRegisterModelTest {

    private static final PutResult PUT_OK = new PutResult(0);
    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker();

    private static History.Builder<KvOp, KvResult> history() {
        return History.builder();
    }

    private static LinearizabilityResult<KvOp, KvResult> check(History.Builder<KvOp, KvResult> history) {
        return CHECKER.check(new KvRegisterModel(), history.build());
    }

    private static void assertVerdict(Verdict expected, History.Builder<KvOp, KvResult> history) {
        LinearizabilityResult<KvOp, KvResult> result = check(history);
        assertEquals(expected, result.verdict(), result::explain);
    }

    @Test
    void sequentialHistoryIsLinearizable() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, get("x"), GetResult.valueOnly(null))
                .ok(1, 20, 30, put("x", "a"), PUT_OK)
                .ok(2, 40, 50, get("x"), GetResult.valueOnly("a"))
                .ok(2, 60, 70, delete("x"), new DeleteResult(1, 0))
                .ok(1, 80, 90, get("x"), GetResult.valueOnly(null))
                .ok(1, 100, 110, delete("x"), new DeleteResult(0, 0)));
    }

    @Test
    void staleReadAfterNewerWriteCompletedIsCaughtAndExplained() {
        LinearizabilityResult<KvOp, KvResult> result = check(history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(1, 20, 30, put("x", "b"), PUT_OK)
                .ok(2, 40, 50, get("x"), GetResult.valueOnly("a")));
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        Counterexample<KvOp, KvResult> counterexample = result.failures().getFirst().counterexample();
        assertEquals("x", counterexample.partition());
        assertEquals(2, counterexample.longestPrefix().size(), counterexample::toString);
        assertEquals(put("x", "b"), counterexample.longestPrefix().getLast().operation().input());
        assertEquals("{x=b}", counterexample.stateAfterPrefix());
        assertEquals(get("x"), counterexample.mustTakeEffect().input());
        assertEquals(1, counterexample.candidates().size());
        assertFalse(counterexample.candidates().getFirst().modelAccepts());
        String text = result.explain();
        assertTrue(text.contains("NOT_LINEARIZABLE") && text.contains("get(x) -> a(") && text.contains("stuck"), text);
    }

    @Test
    void lostAcknowledgedWriteIsCaught() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(2, 20, 30, get("x"), GetResult.valueOnly(null)));
    }

    @Test
    void readOfValueNeverWrittenIsCaught() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(2, 5, 30, get("x"), GetResult.valueOnly("zzz")));
    }

    @Test
    void concurrentWritesMayTakeEffectInEitherOrder() {
        // b may take effect before a: both overlap, so reading a after both completed is fine.
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 50, put("x", "a"), PUT_OK)
                .ok(2, 10, 60, put("x", "b"), PUT_OK)
                .ok(3, 20, 30, get("x"), GetResult.valueOnly("b"))
                .ok(3, 70, 80, get("x"), GetResult.valueOnly("a")));
        // But once a reader saw a after both completed, b cannot reappear.
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 50, put("x", "a"), PUT_OK)
                .ok(2, 10, 60, put("x", "b"), PUT_OK)
                .ok(3, 70, 80, get("x"), GetResult.valueOnly("a"))
                .ok(3, 90, 100, get("x"), GetResult.valueOnly("b")));
    }

    @Test
    void readConcurrentWithWriteMaySeeEitherValue() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(1, 20, 60, put("x", "b"), PUT_OK)
                .ok(2, 30, 40, get("x"), GetResult.valueOnly("b"))
                .ok(3, 35, 50, get("x"), GetResult.valueOnly("b")));
        // Two readers overlapping the write may not see it in opposite orders one after the other.
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(1, 20, 60, put("x", "b"), PUT_OK)
                .ok(2, 25, 30, get("x"), GetResult.valueOnly("b"))
                .ok(3, 35, 40, get("x"), GetResult.valueOnly("a")));
    }

    @Test
    void indeterminateWriteExplainsAnOtherwiseImpossibleRead() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(2, 100, 110, get("x"), GetResult.valueOnly("a")));
        assertVerdict(Verdict.LINEARIZABLE, history()
                .info(1, 0, put("x", "a"))
                .ok(2, 100, 110, get("x"), GetResult.valueOnly("a")));
    }

    @Test
    void indeterminateWriteMayNeverHappenOrHappenLongAfterTheClientGaveUp() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .info(1, 0, put("x", "a"))
                .ok(2, 100, 110, get("x"), GetResult.valueOnly(null)));
        assertVerdict(Verdict.LINEARIZABLE, history()
                .info(1, 0, put("x", "a"))
                .ok(2, 100, 110, get("x"), GetResult.valueOnly(null))
                .ok(2, 1_000, 1_010, get("x"), GetResult.valueOnly("a")));
        // It takes effect at most once: the value cannot come back after being overwritten.
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .info(1, 0, put("x", "a"))
                .ok(2, 100, 110, get("x"), GetResult.valueOnly("a"))
                .ok(2, 120, 130, put("x", "b"), PUT_OK)
                .ok(2, 140, 150, get("x"), GetResult.valueOnly("a")));
    }

    @Test
    void indeterminateWriteCannotTakeEffectBeforeItsInvocation() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(2, 0, 10, get("x"), GetResult.valueOnly("a"))
                .info(1, 20, put("x", "a")));
    }

    @Test
    void failedWriteDidNotHappen() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .fail(1, 0, 10, put("x", "a"))
                .ok(2, 20, 30, get("x"), GetResult.valueOnly("a")));
    }

    @Test
    void indeterminateReadsAreIgnored() {
        LinearizabilityResult<KvOp, KvResult> result = check(history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .info(2, 5, get("x"))
                .info(3, 6, get("x")));
        assertEquals(Verdict.LINEARIZABLE, result.verdict());
        assertEquals(1, result.partitions().getFirst().operations());
    }

    @Test
    void twoCompareAndSetsFromTheSameValueCannotBothSucceed() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "0"), PUT_OK)
                .ok(1, 20, 50, cas("x", "0", "1"), new CasResult(true, 0))
                .ok(2, 25, 55, cas("x", "0", "2"), new CasResult(true, 0)));
        // Chained, they can.
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "0"), PUT_OK)
                .ok(1, 20, 50, cas("x", "1", "2"), new CasResult(true, 0))
                .ok(2, 25, 55, cas("x", "0", "1"), new CasResult(true, 0))
                .ok(2, 60, 70, get("x"), GetResult.valueOnly("2")));
    }

    @Test
    void compareAndSetThatFailedThoughTheValueMatchedIsCaught() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "0"), PUT_OK)
                .ok(2, 20, 30, cas("x", "0", "1"), new CasResult(false, 0)));
        // With a concurrent write that changed the value first, the failure is explained.
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "0"), PUT_OK)
                .ok(1, 15, 35, put("x", "9"), PUT_OK)
                .ok(2, 20, 30, cas("x", "0", "1"), new CasResult(false, 0)));
    }

    @Test
    void createIfAbsentSucceedsOnlyOnce() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, cas("lock", null, "me"), new CasResult(true, 0))
                .ok(2, 20, 30, cas("lock", null, "you"), new CasResult(true, 0)));
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, cas("lock", null, "me"), new CasResult(true, 0))
                .ok(2, 20, 30, cas("lock", null, "you"), new CasResult(false, 0))
                .ok(1, 40, 50, delete("lock"), new DeleteResult(1, 0))
                .ok(2, 60, 70, cas("lock", null, "you"), new CasResult(true, 0)));
    }

    @Test
    void indeterminateCompareAndSetMayExplainAValue() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "0"), PUT_OK)
                .info(2, 20, cas("x", "0", "1"))
                .ok(1, 30, 40, get("x"), GetResult.valueOnly("1")));
        // ...but only if its compare could hold.
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "0"), PUT_OK)
                .info(2, 20, cas("x", "7", "1"))
                .ok(1, 30, 40, get("x"), GetResult.valueOnly("1")));
    }

    @Test
    void deleteCountMustMatchPresence() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, delete("x"), new DeleteResult(1, 0)));
    }

    @Test
    void simultaneousTimestampsCountAsConcurrent() {
        // The read is invoked at the very tick the write returns: either order is allowed.
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(2, 10, 20, get("x"), GetResult.valueOnly(null)));
    }

    @Test
    void partitionsAreCheckedIndependentlyAndOnlyTheBadKeyIsReported() {
        History.Builder<KvOp, KvResult> history = history()
                .ok(1, 0, 10, put("x", "a"), PUT_OK)
                .ok(2, 0, 10, put("y", "a"), PUT_OK)
                .ok(1, 20, 30, get("x"), GetResult.valueOnly("a"))
                .ok(2, 20, 30, get("y"), GetResult.valueOnly(null));
        LinearizabilityResult<KvOp, KvResult> result = check(history);
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(2, result.partitions().size());
        assertEquals(1, result.failures().size());
        assertEquals("y", result.failures().getFirst().partition());
        LinearizabilityResult<KvOp, KvResult> whole = CHECKER.withPartitioning(false)
                .check(new KvRegisterModel(), history.build());
        assertEquals(Verdict.NOT_LINEARIZABLE, whole.verdict());
        assertEquals(1, whole.partitions().size());
    }

    @Test
    void emptyHistoryIsLinearizable() {
        assertVerdict(Verdict.LINEARIZABLE, history());
    }
}
