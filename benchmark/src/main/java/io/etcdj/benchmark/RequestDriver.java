package io.etcdj.benchmark;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends up to {@code total} requests from one thread, keeping at most {@code clients} in flight
 * (a semaphore) and at most {@code rate} per second (fixed pacing: request i is not sent before
 * start + i/rate), and stops sending at the deadline. Answers arrive on event-loop threads and are
 * recorded into a lock-free histogram. Per request it allocates only what the caller's issuer does
 * plus one small {@link StreamObserver} holding the start time.
 */
final class RequestDriver {
    /** Sends request number {@code seq}; must eventually call exactly one of the tracker's outcomes. */
    interface Issuer {
        void issue(long seq, Tracker tracker);
    }

    private final int clients;
    private final double rate;
    private final long deadlineNanos;
    private final Semaphore inFlight;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private final ErrorCounts errors = new ErrorCounts();
    private final Tracker tracker = new Tracker();

    /** @param deadlineNanos a {@link System#nanoTime()} value after which nothing more is sent or awaited */
    RequestDriver(int clients, double rate, long deadlineNanos) {
        this.clients = clients;
        this.rate = rate;
        this.deadlineNanos = deadlineNanos;
        this.inFlight = new Semaphore(clients);
    }

    Measurement run(long total, Issuer issuer) throws InterruptedException {
        long start = System.nanoTime();
        double intervalNanos = rate > 0 ? 1e9 / rate : 0;
        long issued = 0;
        boolean timedOut = false;
        for (long seq = 0; seq < total; seq++) {
            if (intervalNanos > 0 && !waitUntil(start + (long) (seq * intervalNanos))) {
                timedOut = true;
                break;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0 || !inFlight.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                timedOut = true;
                break;
            }
            issued++;
            try {
                issuer.issue(seq, tracker);
            } catch (RuntimeException e) {
                tracker.failed(e);
            }
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0 || !inFlight.tryAcquire(clients, remaining, TimeUnit.NANOSECONDS)) {
            timedOut = true;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Measurement(histogram.snapshot(), errors.snapshot(), elapsed, issued, timedOut);
    }

    /** Parks until {@code when}; false if the deadline comes first. */
    private boolean waitUntil(long when) {
        while (true) {
            long now = System.nanoTime();
            if (now >= when) {
                return true;
            }
            if (now >= deadlineNanos) {
                return false;
            }
            LockSupport.parkNanos(Math.min(when, deadlineNanos) - now);
        }
    }

    /** Where an issued request reports its outcome; safe to call from any thread. */
    final class Tracker {
        /** An observer for one unary call starting now: records its latency, or its error. */
        <T> StreamObserver<T> unary() {
            return new UnaryOutcome<>(System.nanoTime());
        }

        void succeeded(long startNanos) {
            histogram.record(Math.max(0, System.nanoTime() - startNanos));
            inFlight.release();
        }

        void failed(Throwable error) {
            errors.add(error);
            inFlight.release();
        }

        void failed(String message) {
            errors.add(message);
            inFlight.release();
        }
    }

    private final class UnaryOutcome<T> implements StreamObserver<T> {
        private final long startNanos;

        UnaryOutcome(long startNanos) {
            this.startNanos = startNanos;
        }

        @Override
        public void onNext(T value) {
            // The answer's content is not checked: etcd's benchmark counts any OK answer as a success.
        }

        @Override
        public void onError(Throwable t) {
            tracker.failed(t);
        }

        @Override
        public void onCompleted() {
            tracker.succeeded(startNanos);
        }
    }
}
