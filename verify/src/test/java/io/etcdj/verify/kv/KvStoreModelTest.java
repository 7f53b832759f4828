package io.etcdj.verify.kv;

import io.etcdj.verify.History;
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
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-built histories for the whole-store model, where revisions are checked too. */
class KvStoreModelTest {

    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker();

    private static History.Builder<KvOp, KvResult> history() {
        return History.builder();
    }

    private static void assertVerdict(Verdict expected, History.Builder<KvOp, KvResult> history) {
        LinearizabilityResult<KvOp, KvResult> result = CHECKER.check(new KvStoreModel(1), history.build());
        assertEquals(expected, result.verdict(), result::explain);
    }

    private static Verdict registerVerdict(History.Builder<KvOp, KvResult> history) {
        return CHECKER.check(new KvRegisterModel(), history.build()).verdict();
    }

    @Test
    void revisionsVersionsAndCreateRevisionsFollowEtcd() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .ok(1, 20, 30, put("x", "b"), new PutResult(3))
                .ok(2, 40, 50, get("x"), new GetResult("b", 2, 3, 2, 3))
                .ok(2, 60, 70, delete("y"), new DeleteResult(0, 3))
                .ok(2, 80, 90, cas("x", "a", "c"), new CasResult(false, 3))
                .ok(2, 100, 110, cas("x", "b", "c"), new CasResult(true, 4))
                .ok(1, 120, 130, delete("x"), new DeleteResult(1, 5))
                .ok(1, 140, 150, get("x"), GetResult.absent(5))
                .ok(1, 160, 170, put("x", "d"), new PutResult(6))
                .ok(2, 180, 190, get("x"), new GetResult("d", 6, 6, 1, 6)));
    }

    @Test
    void wrongVersionIsCaught() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .ok(1, 20, 30, put("x", "b"), new PutResult(3))
                .ok(2, 40, 50, get("x"), new GetResult("b", 2, 3, 1, 3)));
    }

    @Test
    void revisionHandedOutTwiceIsCaughtOnlyByTheStoreModel() {
        History.Builder<KvOp, KvResult> history = history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .ok(2, 0, 10, put("y", "b"), new PutResult(2));
        assertVerdict(Verdict.NOT_LINEARIZABLE, history);
        assertEquals(Verdict.LINEARIZABLE, registerVerdict(history));
    }

    @Test
    void revisionsContradictingRealTimeOrderAcrossKeysAreCaught() {
        History.Builder<KvOp, KvResult> history = history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(3))
                .ok(2, 20, 30, put("y", "b"), new PutResult(2));
        assertVerdict(Verdict.NOT_LINEARIZABLE, history);
        assertEquals(Verdict.LINEARIZABLE, registerVerdict(history));
    }

    @Test
    void concurrentWritesOnDifferentKeysTakeTheirRevisionsInEitherOrder() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 50, put("x", "a"), new PutResult(3))
                .ok(2, 10, 60, put("y", "b"), new PutResult(2))
                .ok(3, 70, 80, get("x"), new GetResult("a", 3, 3, 1, 3)));
    }

    @Test
    void readWithStaleHeaderRevisionIsCaught() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .ok(1, 20, 30, put("y", "b"), new PutResult(3))
                .ok(2, 40, 50, get("x"), new GetResult("a", 2, 2, 1, 2)));
    }

    @Test
    void indeterminateWriteMayTakeARevision() {
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .info(2, 15, put("y", "b"))
                .ok(1, 20, 30, put("x", "c"), new PutResult(4))
                .ok(1, 40, 50, get("y"), new GetResult("b", 3, 3, 1, 4)));
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .info(2, 15, put("y", "b"))
                .ok(1, 20, 30, put("x", "c"), new PutResult(3)));
        // Without it, the skipped revision 3 is unexplained.
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, put("x", "a"), new PutResult(2))
                .ok(1, 20, 30, put("x", "c"), new PutResult(4)));
    }

    @Test
    void failedCompareAndSetDoesNotTakeARevision() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, history()
                .ok(1, 0, 10, cas("x", "a", "b"), new CasResult(false, 2)));
        assertVerdict(Verdict.LINEARIZABLE, history()
                .ok(1, 0, 10, cas("x", "a", "b"), new CasResult(false, 1)));
    }

    @Test
    void revisionsStartAtOne() {
        assertThrows(IllegalArgumentException.class, () -> new KvStoreModel(0));
    }
}
