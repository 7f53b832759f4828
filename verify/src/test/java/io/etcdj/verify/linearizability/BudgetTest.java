package io.etcdj.verify.linearizability;

import io.etcdj.verify.History;
import io.etcdj.verify.kv.KvOp;
import io.etcdj.verify.kv.KvRegisterModel;
import io.etcdj.verify.kv.KvResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A search that cannot finish within its budget answers UNKNOWN instead of hanging. */
class BudgetTest {

    /**
     * Twenty concurrent puts then a read of a value nobody wrote: proving that no order explains the read means
     * visiting every subset of the puts, about 20 million configurations.
     */
    private static History.Builder<KvOp, KvResult> hardHistory() {
        History.Builder<KvOp, KvResult> history = History.builder();
        for (int i = 0; i < 20; i++) {
            history.ok(i, i, 100 + i, KvOp.put("x", "v" + i), new KvResult.PutResult(0));
        }
        return history.ok(99, 200, 210, KvOp.get("x"), KvResult.GetResult.valueOnly("nobody"));
    }

    @Test
    void stateBudgetExhaustionYieldsUnknown() {
        LinearizabilityResult<KvOp, KvResult> result = new LinearizabilityChecker().withBudget(Budget.states(1_000))
                .check(new KvRegisterModel(), hardHistory().build());
        assertEquals(Verdict.UNKNOWN, result.verdict(), result::explain);
        PartitionResult<KvOp, KvResult> partition = result.partitions().getFirst();
        assertEquals(1_001, partition.statesExplored());
        assertNull(partition.counterexample());
        assertTrue(result.explain().contains("UNKNOWN, budget exhausted"), result::explain);
    }

    @Test
    void timeBudgetExhaustionYieldsUnknown() {
        LinearizabilityResult<KvOp, KvResult> result = new LinearizabilityChecker()
                .withBudget(new Budget(Long.MAX_VALUE, Duration.ofMillis(20)))
                .check(new KvRegisterModel(), hardHistory().build());
        assertEquals(Verdict.UNKNOWN, result.verdict(), result::explain);
    }

    @Test
    void aViolationElsewhereOutweighsAnUndecidedPartition() {
        History.Builder<KvOp, KvResult> history = hardHistory()
                .ok(1, 0, 10, KvOp.put("y", "a"), new KvResult.PutResult(0))
                .ok(1, 20, 30, KvOp.get("y"), KvResult.GetResult.valueOnly(null));
        LinearizabilityResult<KvOp, KvResult> result = new LinearizabilityChecker().withBudget(Budget.states(1_000))
                .check(new KvRegisterModel(), history.build());
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(Verdict.UNKNOWN, result.partitions().get(0).verdict());
        assertEquals(Verdict.NOT_LINEARIZABLE, result.partitions().get(1).verdict());
    }

    @Test
    void manyConcurrentWritesFollowedByAnExplainableReadAreDecided() {
        History.Builder<KvOp, KvResult> history = History.builder();
        for (int i = 0; i < 20; i++) {
            history.ok(i, i, 100 + i, KvOp.put("x", "v" + i), new KvResult.PutResult(0));
        }
        history.ok(99, 200, 210, KvOp.get("x"), KvResult.GetResult.valueOnly("v7"));
        LinearizabilityResult<KvOp, KvResult> result = new LinearizabilityChecker()
                .check(new KvRegisterModel(), history.build());
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::explain);
    }

    @Test
    void budgetsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Budget.states(0));
        assertThrows(IllegalArgumentException.class, () -> Budget.time(Duration.ZERO));
    }
}
