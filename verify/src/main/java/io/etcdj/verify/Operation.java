package io.etcdj.verify;

import java.util.Objects;

/**
 * One client operation of a history.
 *
 * <p>Times are monotonic nanoseconds from one clock shared by every client of the history
 * ({@link System#nanoTime()} in a live test, logical ticks in a simulation). {@code callNanos} is taken before the
 * request is sent and {@code returnNanos} after the response arrived, so the operation took effect (if at all)
 * somewhere in between. An {@link Outcome#INFO} operation never completes: its {@code returnNanos} is
 * {@link #NEVER} and its output is {@code null}. The output of an {@link Outcome#FAIL} operation is informative
 * only; checkers drop failed operations.
 *
 * @param id          unique within its history
 * @param process     the client (thread, connection) that issued it; for display only, checkers order
 *                    operations by time alone
 * @param callNanos   when the client invoked it
 * @param returnNanos when the client saw its completion, {@link #NEVER} for INFO
 * @param input       what was asked: the kind of operation and its arguments
 * @param outcome     whether it took effect
 * @param output      what the server answered, {@code null} when unknown
 */
public record Operation<I, O>(int id, int process, long callNanos, long returnNanos, I input, Outcome outcome,
                              O output) {

    /** The completion time of an operation whose outcome is unknown: it might still take effect at any time. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(outcome, "outcome");
        switch (outcome) {
            case OK, FAIL -> {
                if (returnNanos == NEVER) {
                    throw new IllegalArgumentException("a completed operation needs a completion time: " + id);
                }
                if (returnNanos < callNanos) {
                    throw new IllegalArgumentException("operation " + id + " returns before it is invoked");
                }
            }
            case INFO -> {
                if (returnNanos != NEVER) {
                    throw new IllegalArgumentException("an INFO operation never completes: " + id);
                }
                if (output != null) {
                    throw new IllegalArgumentException("an INFO operation has no output: " + id);
                }
            }
        }
    }

    /** Short human-readable form, times relative to {@code originNanos}. */
    public String describe(long originNanos) {
        String end = outcome == Outcome.INFO ? "inf" : Long.toString(returnNanos - originNanos);
        String result = switch (outcome) {
            case OK -> " -> " + output;
            case FAIL -> " FAILED";
            case INFO -> " -> ? (INFO)";
        };
        return "#" + id + " p" + process + " [" + (callNanos - originNanos) + ".." + end + "] " + input + result;
    }
}
