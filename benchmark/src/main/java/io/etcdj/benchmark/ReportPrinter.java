package io.etcdj.benchmark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link Measurement} in the layout of etcd's benchmark report (seconds, 4 decimals). */
final class ReportPrinter {
    static final double[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99, 99.9};
    private static final int HISTOGRAM_BINS = 10;
    private static final int BAR_WIDTH = 40;

    private ReportPrinter() {
    }

    static void print(PrintStream out, String title, Measurement m) {
        LatencyHistogram.Snapshot lat = m.latencies();
        out.println();
        out.println(title + ":");
        out.printf(Locale.ROOT, "  Total:\t%4.4f secs.%n", seconds(m.elapsed().toNanos()));
        if (lat.count() > 0) {
            out.printf(Locale.ROOT, "  Slowest:\t%4.4f secs.%n", seconds(lat.max()));
            out.printf(Locale.ROOT, "  Fastest:\t%4.4f secs.%n", seconds(lat.min()));
            out.printf(Locale.ROOT, "  Average:\t%4.4f secs.%n", seconds(lat.mean()));
            out.printf(Locale.ROOT, "  Stddev:\t%4.4f secs.%n", seconds(lat.stddev()));
        }
        out.printf(Locale.ROOT, "  Requests/sec:\t%4.4f%n", m.requestsPerSecond());
        out.printf(Locale.ROOT, "  Sent:\t%d, succeeded: %d, failed: %d%s%n", m.issued(), lat.count(),
                m.errorCount(), m.timedOut() ? " (stopped by --max-duration; the rest is unanswered)" : "");
        if (lat.count() > 0) {
            printHistogram(out, lat);
            out.println();
            out.println("Latency distribution:");
            for (double p : PERCENTILES) {
                out.printf(Locale.ROOT, "  %s%% in %4.4f secs.%n", percentLabel(p), seconds(lat.percentile(p)));
            }
        }
        if (!m.errors().isEmpty()) {
            out.println();
            out.println("Error distribution:");
            for (Map.Entry<String, Long> e : m.errors().entrySet()) {
                out.printf(Locale.ROOT, "  [%d]\t%s%n", e.getValue(), e.getKey());
            }
        }
    }

    private static void printHistogram(PrintStream out, LatencyHistogram.Snapshot lat) {
        long[] bins = lat.linearBins(HISTOGRAM_BINS);
        long most = 0;
        for (long b : bins) {
            most = Math.max(most, b);
        }
        double width = (double) (lat.max() - lat.min()) / HISTOGRAM_BINS;
        out.println();
        out.println("Response time histogram:");
        out.printf(Locale.ROOT, "  %4.4f [%d]\t|%n", seconds(lat.min()), 0);
        for (int i = 0; i < bins.length; i++) {
            int bar = most == 0 ? 0 : (int) (bins[i] * BAR_WIDTH / most);
            out.printf(Locale.ROOT, "  %4.4f [%d]\t|%s%n", seconds(lat.min() + width * (i + 1)), bins[i], "∎".repeat(bar));
        }
    }

    static String percentLabel(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    static double seconds(double nanos) {
        return nanos / 1e9;
    }
}
