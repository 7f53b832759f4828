package io.etcdj.benchmark;

import java.io.PrintStream;

/** One configured benchmark command, ready to run against the given channels. */
interface Benchmark {
    /**
     * Runs, prints its human-readable report(s) to {@code out}, and returns the fields of the final
     * RESULT line. Must stop by {@code deadlineNanos} ({@link System#nanoTime()} scale).
     */
    ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException;
}
