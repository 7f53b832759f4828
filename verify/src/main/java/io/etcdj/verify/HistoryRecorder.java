package io.etcdj.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Records a history while a test runs; shared by all client threads.
 *
 * <p>A client calls {@link #invoke} immediately before sending a request and then exactly one of
 * {@link Invocation#ok}, {@link Invocation#fail} or {@link Invocation#info} once it knows the outcome:
 * {@code ok} after the response arrived, {@code fail} only when the request certainly had no effect, {@code info}
 * on a timeout, a broken connection or any other doubt. {@link #history()} may be called at any time; invocations
 * not yet completed appear as {@link Outcome#INFO}, which is what they are to a checker.
 *
 * <p>Thread-safe. Timestamps come from one monotonic clock ({@link System#nanoTime()} unless given), which is
 * what makes real-time order between clients meaningful.
 */
public final class HistoryRecorder<I, O> {

    private final LongSupplier clock;
    private final AtomicInteger nextId = new AtomicInteger();
    private final ConcurrentLinkedQueue<Invocation> invocations = new ConcurrentLinkedQueue<>();

    /** A recorder timing operations with {@link System#nanoTime()}. */
    public HistoryRecorder() {
        this(System::nanoTime);
    }

    /** A recorder timing operations with {@code clock}, which must be monotonic and shared by all clients. */
    public HistoryRecorder(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    /** Notes that {@code process} is about to send {@code input}; the call time is taken now. */
    public Invocation invoke(int process, I input) {
        Objects.requireNonNull(input, "input");
        Invocation invocation = new Invocation(nextId.getAndIncrement(), process, input, clock.getAsLong());
        invocations.add(invocation);
        return invocation;
    }

    /** A snapshot of everything recorded so far, pending invocations as INFO, ordered by id. */
    public History<I, O> history() {
        List<Operation<I, O>> operations = new ArrayList<>();
        for (Invocation invocation : invocations) {
            operations.add(invocation.asOperation());
        }
        operations.sort(Comparator.comparingInt(Operation::id));
        return new History<>(operations);
    }

    /** One invoked operation, to be completed exactly once by the client that invoked it. */
    public final class Invocation {
        private final int id;
        private final int process;
        private final I input;
        private final long callNanos;
        private final AtomicReference<Operation<I, O>> completed = new AtomicReference<>();

        private Invocation(int id, int process, I input, long callNanos) {
            this.id = id;
            this.process = process;
            this.input = input;
            this.callNanos = callNanos;
        }

        /** The operation took effect and answered {@code output} ({@code null} if the client did not keep it). */
        public void ok(O output) {
            complete(Outcome.OK, clock.getAsLong(), output);
        }

        /** The operation certainly did not take effect. */
        public void fail() {
            complete(Outcome.FAIL, clock.getAsLong(), null);
        }

        /** The client cannot tell whether the operation took effect. */
        public void info() {
            complete(Outcome.INFO, Operation.NEVER, null);
        }

        private void complete(Outcome outcome, long returnNanos, O output) {
            Operation<I, O> operation = new Operation<>(id, process, callNanos, returnNanos, input, outcome, output);
            if (!completed.compareAndSet(null, operation)) {
                throw new IllegalStateException("operation " + id + " already completed as " + completed.get());
            }
        }

        private Operation<I, O> asOperation() {
            Operation<I, O> done = completed.get();
            return done != null ? done
                    : new Operation<>(id, process, callNanos, Operation.NEVER, input, Outcome.INFO, null);
        }
    }
}
