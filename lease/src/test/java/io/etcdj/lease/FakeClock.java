package io.etcdj.lease;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when told; starts far from zero to catch code assuming 0. */
final class FakeClock implements LongSupplier {
    private final AtomicLong nanos;

    FakeClock() {
        this(1_000_000_000_000L);
    }

    FakeClock(long start) {
        nanos = new AtomicLong(start);
    }

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    void advanceSeconds(double seconds) {
        nanos.addAndGet((long) (seconds * 1e9));
    }
}
