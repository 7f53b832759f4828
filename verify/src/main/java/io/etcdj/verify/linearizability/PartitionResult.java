package io.etcdj.verify.linearizability;

/**
 * The verdict on one independent partition of a history.
 *
 * @param partition      the partition's key ({@link Model#partitionKey})
 * @param verdict        what the search concluded
 * @param operations     operations searched (failed operations and read-only INFO operations are dropped first)
 * @param statesExplored distinct configurations the search memoized
 * @param counterexample present exactly when the verdict is {@link Verdict#NOT_LINEARIZABLE}
 */
public record PartitionResult<I, O>(Object partition, Verdict verdict, int operations, long statesExplored,
                                    Counterexample<I, O> counterexample) {

    public PartitionResult {
        if ((verdict == Verdict.NOT_LINEARIZABLE) != (counterexample != null)) {
            throw new IllegalArgumentException("a counterexample comes with, and only with, NOT_LINEARIZABLE");
        }
    }
}
