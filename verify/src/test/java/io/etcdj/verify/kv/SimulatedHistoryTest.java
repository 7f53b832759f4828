package io.etcdj.verify.kv;

import io.etcdj.verify.History;
import io.etcdj.verify.Outcome;
import io.etcdj.verify.linearizability.LinearizabilityChecker;
import io.etcdj.verify.linearizability.LinearizabilityResult;
import io.etcdj.verify.linearizability.Model;
import io.etcdj.verify.linearizability.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Histories of a simulated store under random concurrency: a correct store must always pass, a store with an
 * injected bug must be caught. Each seed is printed in the failure message.
 */
class SimulatedHistoryTest {

    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker();

    private static void assertVerdict(Verdict expected, Model<?, KvOp, KvResult> model,
                                      SimulatedKvCluster.Config config) {
        SimulatedKvCluster.Run run = SimulatedKvCluster.run(config);
        if (expected == Verdict.NOT_LINEARIZABLE) {
            // Otherwise the test would prove nothing.
            assertTrue(run.staleReads() + run.lostWrites() > 0, "seed " + config.seed() + " injected no bug");
        }
        LinearizabilityResult<KvOp, KvResult> result = CHECKER.check(model, run.history());
        assertEquals(expected, result.verdict(), () -> "seed " + config.seed() + ", " + config + "\n"
                + result.explain());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void correctStorePassesUnderTheRegisterModel(long seed) {
        SimulatedKvCluster.Config config = SimulatedKvCluster.Config.correct(seed, 8, 4, 3_000);
        History<KvOp, KvResult> history = SimulatedKvCluster.run(config).history();
        assertTrue(history.operations().stream().anyMatch(op -> op.outcome() == Outcome.INFO), "seed " + seed);
        assertTrue(history.operations().stream().anyMatch(op -> op.outcome() == Outcome.FAIL), "seed " + seed);
        LinearizabilityResult<KvOp, KvResult> result = CHECKER.check(new KvRegisterModel(), history);
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), () -> "seed " + seed + "\n" + result.explain());
        assertEquals(4, result.partitions().size());
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void correctStorePassesUnderTheStoreModel(long seed) {
        assertVerdict(Verdict.LINEARIZABLE, new KvStoreModel(1),
                SimulatedKvCluster.Config.correct(seed, 4, 3, 400));
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void staleReadsFromALaggingReplicaAreCaught(long seed) {
        assertVerdict(Verdict.NOT_LINEARIZABLE, new KvRegisterModel(),
                SimulatedKvCluster.Config.correct(seed, 8, 4, 3_000).withStaleReads(0.02));
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34, 35})
    void lostWritesAreCaught(long seed) {
        assertVerdict(Verdict.NOT_LINEARIZABLE, new KvRegisterModel(),
                SimulatedKvCluster.Config.correct(seed, 8, 4, 3_000).withLostWrites(0.05));
    }

    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43})
    void lostWritesAreCaughtByTheStoreModelThroughRevisions(long seed) {
        assertVerdict(Verdict.NOT_LINEARIZABLE, new KvStoreModel(1),
                SimulatedKvCluster.Config.correct(seed, 4, 3, 400).withLostWrites(0.05));
    }

    @ParameterizedTest
    @ValueSource(longs = {51, 52, 53, 54, 55, 56, 57, 58})
    void partitionedAndWholeHistoryChecksAgree(long seed) {
        SimulatedKvCluster.Config config = new SimulatedKvCluster.Config(seed, 3, 2, 150, 0.03, 0.02,
                seed % 2 == 0 ? 0.05 : 0, 0);
        History<KvOp, KvResult> history = SimulatedKvCluster.run(config).history();
        Verdict partitioned = CHECKER.check(new KvRegisterModel(), history).verdict();
        Verdict whole = CHECKER.withPartitioning(false).check(new KvRegisterModel(), history).verdict();
        assertEquals(partitioned, whole, "seed " + seed);
        if (config.staleReadRate() == 0) {
            assertEquals(Verdict.LINEARIZABLE, partitioned, "seed " + seed);
        }
    }
}
