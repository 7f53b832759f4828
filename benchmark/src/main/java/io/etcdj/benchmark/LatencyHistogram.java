package io.etcdj.benchmark;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A thread-safe log-linear ("HDR-style") histogram of non-negative long values (latencies in
 * nanoseconds). Values below {@code 2 * SUB_BUCKETS} are counted exactly; above that every power
 * of two is split into {@link #SUB_BUCKETS} equal buckets, so a bucket is never wider than
 * 1/{@value #SUB_BUCKETS} of the values it holds. Count, sum, sum of squares, minimum and maximum are
 * kept exactly. Recording allocates nothing and takes no lock, so any number of gRPC event-loop
 * threads may record at once; {@link #snapshot()} may be taken at any time.
 */
public final class LatencyHistogram {
    /** Bits of precision per power of two: 2^7 = 128 buckets, a relative error under 0.8 %. */
    static final int PRECISION_BITS = 7;
    static final int SUB_BUCKETS = 1 << PRECISION_BITS;
    /** Index of Long.MAX_VALUE plus one: shift 55 (bit 62 minus 7) times 128 plus 255, plus 1. */
    static final int BUCKETS = (63 - 1 - PRECISION_BITS) * SUB_BUCKETS + 2 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder total = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();
    private final DoubleAdder sumOfSquares = new DoubleAdder();
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    /** Counts one value; a negative value is a caller bug and is rejected. */
    public void record(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        counts.incrementAndGet(indexOf(value));
        total.increment();
        double v = value;
        sum.add(v);
        sumOfSquares.add(v * v);
        min.accumulateAndGet(value, Math::min);
        max.accumulateAndGet(value, Math::max);
    }

    /** The bucket holding {@code value} (non-negative). */
    static int indexOf(long value) {
        if (value < 2 * SUB_BUCKETS) {
            return (int) value;
        }
        int shift = 63 - Long.numberOfLeadingZeros(value) - PRECISION_BITS;
        return shift * SUB_BUCKETS + (int) (value >>> shift);
    }

    /** The smallest value that falls in bucket {@code index}. */
    static long lowestValueOf(int index) {
        if (index < 2 * SUB_BUCKETS) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        long top = index - (long) shift * SUB_BUCKETS;
        return top << shift;
    }

    /** The largest value that falls in bucket {@code index}. */
    static long highestValueOf(int index) {
        return index + 1 == BUCKETS ? Long.MAX_VALUE : lowestValueOf(index + 1) - 1;
    }

    /**
     * A copy of the current state. Taken while other threads record, it may be off by the records in
     * progress (the count array and the totals are read separately); taken after they stop, it is exact.
     */
    public Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
            n += copy[i];
        }
        return new Snapshot(copy, n, sum.sum(), sumOfSquares.sum(),
                n == 0 ? 0 : min.get(), n == 0 ? 0 : max.get());
    }

    /** An immutable histogram state: exact count, mean, stddev, min and max; percentiles within one bucket. */
    public static final class Snapshot {
        private final long[] counts;
        private final long count;
        private final double sum;
        private final double sumOfSquares;
        private final long min;
        private final long max;

        Snapshot(long[] counts, long count, double sum, double sumOfSquares, long min, long max) {
            this.counts = counts;
            this.count = count;
            this.sum = sum;
            this.sumOfSquares = sumOfSquares;
            this.min = min;
            this.max = max;
        }

        public long count() {
            return count;
        }

        public long min() {
            return min;
        }

        public long max() {
            return max;
        }

        public double mean() {
            return count == 0 ? 0 : sum / count;
        }

        /** Population standard deviation, as etcd's report computes it. */
        public double stddev() {
            if (count == 0) {
                return 0;
            }
            double mean = mean();
            return Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean));
        }

        /**
         * The nearest-rank percentile: the value at rank ceil(p/100 * n) (at least 1) of the sorted
         * values, given as the top of its bucket clamped to [min, max]; so it is never below the
         * exact answer and above it by less than the bucket width (under 1/128 of the value).
         * Zero when empty.
         */
        public long percentile(double p) {
            if (p < 0 || p > 100) {
                throw new IllegalArgumentException("percentile out of [0, 100]: " + p);
            }
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.max(min, Math.min(max, highestValueOf(i)));
                }
            }
            return max;
        }

        /**
         * How many values fall in each of {@code n} equal-width intervals from min to max (as etcd's
         * "Response time histogram"), attributing each log-linear bucket to the interval that holds
         * its midpoint (clamped to [min, max]). Index i covers up to {@code min + (i+1)*(max-min)/n}.
         */
        public long[] linearBins(int n) {
            long[] bins = new long[n];
            double width = (double) (max - min) / n;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    continue;
                }
                long lo = lowestValueOf(i);
                long mid = lo + (highestValueOf(i) - lo) / 2;
                mid = Math.max(min, Math.min(max, mid));
                int bin = width == 0 ? n - 1 : (int) Math.min(n - 1, (mid - min) / width);
                bins[bin] += counts[i];
            }
            return bins;
        }
    }
}
