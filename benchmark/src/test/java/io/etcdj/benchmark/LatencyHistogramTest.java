package io.etcdj.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    /** The nearest-rank percentile of a sorted list: the naive model the histogram must match. */
    private static long naivePercentile(List<Long> sorted, double p) {
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * sorted.size()));
        return sorted.get((int) rank - 1);
    }

    @Test
    void bucketBoundariesAreContiguousAndContainTheirValues() {
        long previousHigh = -1;
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            long lo = LatencyHistogram.lowestValueOf(i);
            long hi = LatencyHistogram.highestValueOf(i);
            assertEquals(previousHigh + 1, lo, "bucket " + i + " starts right after the previous one");
            assertEquals(i, LatencyHistogram.indexOf(lo));
            assertEquals(i, LatencyHistogram.indexOf(hi));
            assertTrue(hi - lo + 1 <= Math.max(1, lo / LatencyHistogram.SUB_BUCKETS + 1),
                    "bucket " + i + " is at most 1/128 of its values wide");
            previousHigh = hi;
        }
        assertEquals(Long.MAX_VALUE, previousHigh);
    }

    @Test
    void percentilesMatchASortedListWithinOneBucket() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(5000);
            LatencyHistogram h = new LatencyHistogram();
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // Log-uniform from 1 ns to ~10 s, with some exact repeats and zeros.
                long v = random.nextInt(10) == 0 ? 0 : (long) Math.exp(random.nextDouble() * Math.log(1e10));
                values.add(v);
                h.record(v);
            }
            Collections.sort(values);
            LatencyHistogram.Snapshot s = h.snapshot();
            assertEquals(n, s.count());
            assertEquals(values.getFirst(), s.min());
            assertEquals(values.getLast(), s.max());
            double mean = values.stream().mapToLong(Long::longValue).average().orElseThrow();
            assertEquals(mean, s.mean(), mean * 1e-9 + 1e-9);
            double variance = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / n;
            assertEquals(Math.sqrt(variance), s.stddev(), Math.sqrt(variance) * 1e-6 + 1e-3);
            for (double p : new double[] {0, 0.1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100}) {
                long exact = naivePercentile(values, p);
                long approx = s.percentile(p);
                assertTrue(approx >= exact, "p" + p + ": " + approx + " below the exact " + exact);
                assertTrue(approx - exact <= exact / LatencyHistogram.SUB_BUCKETS,
                        "p" + p + ": " + approx + " too far above the exact " + exact);
            }
            long[] bins = s.linearBins(10);
            assertEquals(n, java.util.Arrays.stream(bins).sum(), "every value lands in some bin");
        }
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 0; v < 256; v++) {
            h.record(v);
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(127, s.percentile(50));
        assertEquals(255, s.percentile(100));
        assertEquals(0, s.percentile(0));
    }

    @Test
    void emptyAndInvalid() {
        LatencyHistogram h = new LatencyHistogram();
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.percentile(99));
        assertEquals(0, s.mean());
        assertEquals(0, s.stddev());
        assertThrows(IllegalArgumentException.class, () -> h.record(-1));
        assertThrows(IllegalArgumentException.class, () -> s.percentile(101));
        h.record(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, h.snapshot().percentile(50));
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        LatencyHistogram h = new LatencyHistogram();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 100_000; i++) {
                    h.record(i % 1000);
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(400_000, s.count());
        assertEquals(499, s.percentile(50));
        assertEquals(999, s.max());
    }
}
