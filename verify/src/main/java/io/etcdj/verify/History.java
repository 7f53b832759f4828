package io.etcdj.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable recorded history: every operation the clients of one test invoked, in any order (checkers order
 * them by time).
 *
 * @param operations the operations; ids are unique
 */
public record History<I, O>(List<Operation<I, O>> operations) {

    public History {
        operations = List.copyOf(operations);
        if (operations.stream().map(Operation::id).distinct().count() != operations.size()) {
            throw new IllegalArgumentException("operation ids must be unique");
        }
    }

    /** The earliest invocation time, used to print times relative to the start of the test. */
    public long originNanos() {
        return operations.stream().mapToLong(Operation::callNanos).min().orElse(0);
    }

    /** A builder for histories written by hand or produced by a simulation, with explicit times. */
    public static <I, O> Builder<I, O> builder() {
        return new Builder<>();
    }

    @Override
    public String toString() {
        long origin = originNanos();
        StringBuilder text = new StringBuilder();
        for (Operation<I, O> op : operations) {
            text.append(op.describe(origin)).append('\n');
        }
        return text.toString();
    }

    /** Adds operations with ids in the order they are added. Not thread-safe; see {@link HistoryRecorder}. */
    public static final class Builder<I, O> {
        private final List<Operation<I, O>> operations = new ArrayList<>();

        private Builder() {
        }

        /** An operation that took effect between {@code call} and {@code ret} and answered {@code output}. */
        public Builder<I, O> ok(int process, long call, long ret, I input, O output) {
            return add(new Operation<>(operations.size(), process, call, ret, input, Outcome.OK, output));
        }

        /** An operation that definitely did not take effect. */
        public Builder<I, O> fail(int process, long call, long ret, I input) {
            return add(new Operation<>(operations.size(), process, call, ret, input, Outcome.FAIL, null));
        }

        /** An operation invoked at {@code call} whose outcome the client never learned. */
        public Builder<I, O> info(int process, long call, I input) {
            return add(new Operation<>(operations.size(), process, call, Operation.NEVER, input, Outcome.INFO, null));
        }

        private Builder<I, O> add(Operation<I, O> operation) {
            operations.add(Objects.requireNonNull(operation));
            return this;
        }

        public History<I, O> build() {
            return new History<>(operations);
        }
    }
}
