package io.etcdj.verify.linearizability;

import java.util.Optional;

/**
 * A sequential specification: what a correct single-copy object answers to each operation.
 *
 * <p>Contract: {@link #step} is a pure, deterministic function, and states are immutable values with
 * {@code equals}/{@code hashCode} by value (the search memoizes on them). A {@code null} output means "unknown"
 * (an INFO operation, or an output the client did not record); for such an output {@code step} must accept the
 * input in every state, because an operation of unknown outcome can always be linearized last.
 *
 * @param <S> model state
 * @param <I> operation input
 * @param <O> operation output
 */
public interface Model<S, I, O> {

    /** The partition every operation is in unless a model overrides {@link #partitionKey}. */
    Object WHOLE_HISTORY = "(whole history)";

    /** The state before the first operation. */
    S initialState();

    /**
     * Applies {@code input} to {@code state}; the state after it if a correct object may answer {@code output}
     * there, empty if not.
     */
    Optional<S> step(S state, I input, O output);

    /**
     * Whether {@code input} never changes the state. Read-only operations of unknown outcome are dropped
     * before the search: they constrain nothing.
     */
    default boolean isReadOnly(I input) {
        return false;
    }

    /**
     * The independent part of the object {@code input} touches. Operations with different keys must never
     * affect each other's outputs (P-compositionality), so each partition is checked alone, which is
     * exponentially cheaper. The default keeps the whole history together.
     */
    default Object partitionKey(I input) {
        return WHOLE_HISTORY;
    }

    /** A human-readable state for counterexamples. */
    default String describeState(S state) {
        return String.valueOf(state);
    }
}
