package io.etcdj.verify.linearizability;

import io.etcdj.verify.Operation;

import java.util.List;

/**
 * Why a partition is not linearizable, for a human: the longest linearization the search found, and where it got
 * stuck after it.
 *
 * @param partition         the partition's key
 * @param longestPrefix     the longest sequence of operations that could be linearized, with the model state after
 *                          each; no linearization of the whole partition extends it
 * @param stateAfterPrefix  the model state at the end of that prefix (the initial state if it is empty)
 * @param unplaced          every operation of the partition not in that prefix
 * @param mustTakeEffect    of the unplaced operations, the completed one that returned first: it had to take effect
 *                          before its return, and could not
 * @param candidates        the unplaced operations that real-time order allowed to be linearized right after the
 *                          prefix, each with whether the model accepted it there (an accepted candidate led only
 *                          to dead ends further on)
 * @param originNanos       the history's first invocation time; printed times are relative to it
 */
public record Counterexample<I, O>(Object partition, List<Step<I, O>> longestPrefix, String stateAfterPrefix,
                                   List<Operation<I, O>> unplaced,
                                   Operation<I, O> mustTakeEffect, List<Candidate<I, O>> candidates,
                                   long originNanos) {

    /** How many unplaced operations {@link #toString()} lists in full. */
    private static final int LISTED = 20;

    public Counterexample {
        longestPrefix = List.copyOf(longestPrefix);
        unplaced = List.copyOf(unplaced);
        candidates = List.copyOf(candidates);
    }

    /** One linearized operation and the state it left. */
    public record Step<I, O>(Operation<I, O> operation, String stateAfter) {
    }

    /** An operation that could have come next, and whether the model allowed it in the state after the prefix. */
    public record Candidate<I, O>(Operation<I, O> operation, boolean modelAccepts) {
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append("partition ").append(partition).append(": longest linearizable prefix has ")
                .append(longestPrefix.size()).append(" operation(s), ").append(unplaced.size())
                .append(" could not be placed\n");
        int position = 1;
        for (Step<I, O> step : longestPrefix) {
            text.append("  ").append(position++).append(". ").append(step.operation().describe(originNanos))
                    .append("   => ").append(step.stateAfter()).append('\n');
        }
        text.append("  state after the prefix: ").append(stateAfterPrefix).append('\n');
        if (mustTakeEffect != null) {
            text.append("  stuck: ").append(mustTakeEffect.describe(originNanos))
                    .append(" must take effect before it returns, but no order allows it\n");
        }
        for (Candidate<I, O> candidate : candidates) {
            text.append("    candidate next: ").append(candidate.operation().describe(originNanos))
                    .append(candidate.modelAccepts() ? "   (model accepts it here; every continuation fails later)"
                            : "   (model rejects it here)").append('\n');
        }
        text.append("  unplaced:");
        unplaced.stream().limit(LISTED).forEach(op -> text.append("\n    ").append(op.describe(originNanos)));
        if (unplaced.size() > LISTED) {
            text.append("\n    ... and ").append(unplaced.size() - LISTED).append(" more");
        }
        return text.append('\n').toString();
    }
}
