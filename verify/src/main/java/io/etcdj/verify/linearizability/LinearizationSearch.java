package io.etcdj.verify.linearizability;

import io.etcdj.verify.Operation;
import io.etcdj.verify.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Searches one partition for a linearization (Wing &amp; Gong, with Lowe's memoization, as in Porcupine).
 *
 * <p>Call and return events of all operations are kept in a doubly linked list in time order. The search walks
 * the list: at a call event it tries to linearize that operation now (the model must accept it, and the
 * resulting (linearized set, state) must be new), lifting both its events out of the list and restarting from
 * the head; at a return event it has found an operation that should already have been linearized, so it
 * backtracks. INFO operations return at +infinity, so their return events sit after every completed one: the
 * search succeeds as soon as every completed operation is linearized, since the rest may take effect later or
 * never.
 */
final class LinearizationSearch<S, I, O> {

    private static final int HEAD = 0;
    private static final int NONE = -1;
    /** How many loop iterations pass between two looks at the clock. */
    private static final int CLOCK_STRIDE = 1024;

    private final Model<S, I, O> model;
    private final List<Operation<I, O>> operations;
    private final int[] next;
    private final int[] prev;
    private final int[] match;
    private final int[] operationOf;
    private final boolean[] isCall;

    private long statesExplored;
    private int[] longestPrefix = new int[0];

    /** {@code operations} must hold no FAIL operation. */
    LinearizationSearch(Model<S, I, O> model, List<Operation<I, O>> operations) {
        this.model = model;
        this.operations = List.copyOf(operations);
        int n = this.operations.size();
        // Node 0 is the head; nodes 1..2n are the call and return events in time order.
        record Event(long time, boolean call, int operation) {
        }
        List<Event> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            Operation<I, O> op = this.operations.get(i);
            events.add(new Event(op.callNanos(), true, i));
            events.add(new Event(op.returnNanos(), false, i));
        }
        // At equal times calls sort first: the operations then overlap, which is the safe reading of a tie.
        events.sort(Comparator.comparingLong(Event::time)
                .thenComparing(e -> !e.call())
                .thenComparingInt(Event::operation));
        int nodes = 2 * n + 1;
        next = new int[nodes];
        prev = new int[nodes];
        match = new int[nodes];
        operationOf = new int[nodes];
        isCall = new boolean[nodes];
        int[] callNode = new int[n];
        for (int i = 0; i < events.size(); i++) {
            int node = i + 1;
            Event e = events.get(i);
            operationOf[node] = e.operation();
            isCall[node] = e.call();
            if (e.call()) {
                callNode[e.operation()] = node;
            } else {
                match[node] = callNode[e.operation()];
                match[callNode[e.operation()]] = node;
            }
        }
        for (int node = 0; node < nodes; node++) {
            next[node] = node + 1 < nodes ? node + 1 : NONE;
            prev[node] = node - 1;
        }
    }

    /** Runs the search until it decides or until the budget runs out. */
    Verdict run(long maxStates, long deadlineNanos) {
        int n = operations.size();
        int remainingCompleted = (int) operations.stream().filter(op -> op.outcome() == Outcome.OK).count();
        if (remainingCompleted == 0) {
            return Verdict.LINEARIZABLE;
        }
        Set<Configuration> seen = new HashSet<>();
        long[] linearized = new long[(n + 63) / 64];
        long linearizedHash = 0;
        int[] stackNode = new int[n];
        List<S> stackState = new ArrayList<>(n);
        int depth = 0;
        S state = model.initialState();
        int entry = next[HEAD];
        long iterations = 0;
        while (true) {
            if (++iterations % CLOCK_STRIDE == 0 && System.nanoTime() - deadlineNanos > 0) {
                return Verdict.UNKNOWN;
            }
            if (entry != NONE && isCall[entry]) {
                int op = operationOf[entry];
                Operation<I, O> operation = operations.get(op);
                Optional<S> after = model.step(state, operation.input(), operation.output());
                if (after.isPresent()) {
                    linearized[op >>> 6] |= 1L << op;
                    long candidateHash = linearizedHash ^ zobrist(op);
                    S newState = after.get();
                    if (!seen.contains(new Configuration(linearized, candidateHash, newState))) {
                        seen.add(new Configuration(linearized.clone(), candidateHash, newState));
                        statesExplored = seen.size();
                        if (statesExplored > maxStates) {
                            return Verdict.UNKNOWN;
                        }
                        linearizedHash = candidateHash;
                        stackNode[depth] = entry;
                        stackState.add(state);
                        depth++;
                        state = newState;
                        lift(entry);
                        if (operation.outcome() == Outcome.OK && --remainingCompleted == 0) {
                            return Verdict.LINEARIZABLE;
                        }
                        if (depth > longestPrefix.length) {
                            longestPrefix = new int[depth];
                            for (int i = 0; i < depth; i++) {
                                longestPrefix[i] = operationOf[stackNode[i]];
                            }
                        }
                        entry = next[HEAD];
                        continue;
                    }
                    linearized[op >>> 6] &= ~(1L << op);
                }
                entry = next[entry];
            } else {
                // An operation whose return we reached was not linearized before it: undo the last choice.
                if (depth == 0) {
                    return Verdict.NOT_LINEARIZABLE;
                }
                depth--;
                entry = stackNode[depth];
                state = stackState.remove(depth);
                int op = operationOf[entry];
                linearized[op >>> 6] &= ~(1L << op);
                linearizedHash ^= zobrist(op);
                unlift(entry);
                if (operations.get(op).outcome() == Outcome.OK) {
                    remainingCompleted++;
                }
                entry = next[entry];
            }
        }
    }

    /** Distinct configurations memoized by the last {@link #run}. */
    long statesExplored() {
        return statesExplored;
    }

    /** The longest sequence of operations the last {@link #run} managed to linearize, as operation indexes. */
    int[] longestPrefix() {
        return longestPrefix.clone();
    }

    List<Operation<I, O>> operations() {
        return operations;
    }

    private void lift(int call) {
        int ret = match[call];
        next[prev[call]] = next[call];
        prev[next[call]] = prev[call];
        next[prev[ret]] = next[ret];
        if (next[ret] != NONE) {
            prev[next[ret]] = prev[ret];
        }
    }

    private void unlift(int call) {
        int ret = match[call];
        next[prev[ret]] = ret;
        if (next[ret] != NONE) {
            prev[next[ret]] = ret;
        }
        prev[next[call]] = call;
        next[prev[call]] = call;
    }

    /** A random-looking 64-bit value per operation, XORed into the hash of a linearized set (Zobrist hashing). */
    private static long zobrist(int op) {
        long z = (op + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A memoized point of the search: which operations are linearized, and the state they led to. */
    private static final class Configuration {
        private final long[] linearized;
        private final Object state;
        private final int hash;

        Configuration(long[] linearized, long linearizedHash, Object state) {
            this.linearized = linearized;
            this.state = state;
            this.hash = Long.hashCode(linearizedHash) * 31 + state.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Configuration c && hash == c.hash && Arrays.equals(linearized, c.linearized)
                    && state.equals(c.state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
