package io.etcdj.verify.linearizability;

import io.etcdj.verify.History;
import io.etcdj.verify.Operation;
import io.etcdj.verify.Outcome;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a history is linearizable with respect to a {@link Model}.
 *
 * <p>Before searching, FAIL operations are dropped (they did not happen) and so are INFO operations the model calls
 * read-only (an unobserved read constrains nothing). INFO operations that write may take effect anywhere after
 * their invocation, or never. With partitioning on (the default) the history is split by
 * {@link Model#partitionKey} and each part checked alone; that is sound only if the model's partitions are truly
 * independent, which is the model's promise.
 *
 * <p>Immutable and thread-safe; {@link #check} is deterministic apart from the timeout.
 */
public final class LinearizabilityChecker {

    private final Budget budget;
    private final boolean partitioned;

    /** A checker with {@link Budget#DEFAULT} and partitioning on. */
    public LinearizabilityChecker() {
        this(Budget.DEFAULT, true);
    }

    private LinearizabilityChecker(Budget budget, boolean partitioned) {
        this.budget = Objects.requireNonNull(budget);
        this.partitioned = partitioned;
    }

    /** The same checker with another budget. */
    public LinearizabilityChecker withBudget(Budget budget) {
        return new LinearizabilityChecker(budget, partitioned);
    }

    /** The same checker with partitioning by {@link Model#partitionKey} on or off. */
    public LinearizabilityChecker withPartitioning(boolean on) {
        return new LinearizabilityChecker(budget, on);
    }

    /** Checks {@code history} against {@code model}. */
    public <S, I, O> LinearizabilityResult<I, O> check(Model<S, I, O> model, History<I, O> history) {
        long deadline = System.nanoTime() + budget.timeout().toNanos();
        long origin = history.originNanos();
        Verdict verdict = Verdict.LINEARIZABLE;
        List<PartitionResult<I, O>> results = new ArrayList<>();
        for (Map.Entry<Object, List<Operation<I, O>>> partition : partition(model, history).entrySet()) {
            PartitionResult<I, O> result = checkPartition(model, partition.getKey(), partition.getValue(), deadline,
                    origin);
            results.add(result);
            verdict = Verdict.combine(verdict, result.verdict());
        }
        return new LinearizabilityResult<>(verdict, results);
    }

    private <S, I, O> Map<Object, List<Operation<I, O>>> partition(Model<S, I, O> model, History<I, O> history) {
        Map<Object, List<Operation<I, O>>> partitions = new LinkedHashMap<>();
        history.operations().stream()
                .sorted(Comparator.comparingLong(Operation<I, O>::callNanos).thenComparingInt(Operation::id))
                .filter(op -> op.outcome() != Outcome.FAIL)
                .filter(op -> op.outcome() != Outcome.INFO || !model.isReadOnly(op.input()))
                .forEach(op -> partitions.computeIfAbsent(
                        partitioned ? model.partitionKey(op.input()) : Model.WHOLE_HISTORY,
                        k -> new ArrayList<>()).add(op));
        return partitions;
    }

    private <S, I, O> PartitionResult<I, O> checkPartition(Model<S, I, O> model, Object key,
                                                           List<Operation<I, O>> operations, long deadline,
                                                           long origin) {
        LinearizationSearch<S, I, O> search = new LinearizationSearch<>(model, operations);
        Verdict verdict = search.run(budget.maxStatesPerPartition(), deadline);
        Counterexample<I, O> counterexample = verdict == Verdict.NOT_LINEARIZABLE
                ? explain(model, key, search, origin) : null;
        return new PartitionResult<>(key, verdict, operations.size(), search.statesExplored(), counterexample);
    }

    /** Replays the longest prefix the search found and looks at what could have come next. */
    private static <S, I, O> Counterexample<I, O> explain(Model<S, I, O> model, Object key,
                                                          LinearizationSearch<S, I, O> search, long origin) {
        List<Operation<I, O>> operations = search.operations();
        List<Counterexample.Step<I, O>> prefix = new ArrayList<>();
        BitSet placed = new BitSet(operations.size());
        S state = model.initialState();
        for (int op : search.longestPrefix()) {
            Operation<I, O> operation = operations.get(op);
            state = model.step(state, operation.input(), operation.output()).orElseThrow(
                    () -> new IllegalStateException("model is not deterministic: replay rejected " + operation));
            prefix.add(new Counterexample.Step<>(operation, model.describeState(state)));
            placed.set(op);
        }
        List<Operation<I, O>> unplaced = new ArrayList<>();
        for (int op = 0; op < operations.size(); op++) {
            if (!placed.get(op)) {
                unplaced.add(operations.get(op));
            }
        }
        Operation<I, O> mustTakeEffect = unplaced.stream()
                .filter(op -> op.outcome() == Outcome.OK)
                .min(Comparator.comparingLong(Operation<I, O>::returnNanos).thenComparingInt(Operation::id))
                .orElse(null);
        List<Counterexample.Candidate<I, O>> candidates = new ArrayList<>();
        if (mustTakeEffect != null) {
            for (Operation<I, O> op : unplaced) {
                if (op.callNanos() <= mustTakeEffect.returnNanos()) {
                    boolean accepted = model.step(state, op.input(), op.output()).isPresent();
                    candidates.add(new Counterexample.Candidate<>(op, accepted));
                }
            }
        }
        return new Counterexample<>(key, prefix, model.describeState(state), unplaced, mustTakeEffect, candidates,
                origin);
    }
}
