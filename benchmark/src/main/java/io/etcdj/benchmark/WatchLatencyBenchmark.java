package io.etcdj.benchmark;

import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchGrpc;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code watch-latency}: --watchers watchers (one stream each, spread over the connections) watch one
 * key; --put-total puts to it, one at a time at --put-rate. For every put and every watcher it records
 * the time from the put's response to the watcher's event for that revision (0 when the event came
 * first), as etcd's watch-latency does. Events are matched by revision, so a late event is never
 * credited to the next put.
 */
final class WatchLatencyBenchmark implements Benchmark {
    static final List<Flag> FLAGS = List.of(
            Flag.value("watchers", "10", "number of watchers (one watch stream each)"),
            Flag.value("put-total", "1000", "number of puts"),
            Flag.value("put-rate", "100", "puts per second (0 = as fast as the events arrive)"),
            Flag.value("key-size", "32", "key size"),
            Flag.value("val-size", "32", "value size"));

    private final int watchers;
    private final long putTotal;
    private final double putRate;
    private final PutRequest put;

    WatchLatencyBenchmark(CommandLine line, GlobalOptions options) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("watch-latency takes no arguments, got " + line.arguments());
        }
        this.watchers = line.intValue("watchers", 1);
        this.putTotal = line.longValue("put-total", 0);
        this.putRate = line.doubleValue("put-rate", 0);
        SplittableRandom random = new SplittableRandom(1);
        this.put = PutRequest.newBuilder()
                .setKey(KeySpace.randomBytes(line.intValue("key-size", 1), random))
                .setValue(KeySpace.randomBytes(line.intValue("val-size", 0), random))
                .build();
    }

    @Override
    public ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException {
        AtomicLongArray eventRevision = new AtomicLongArray(watchers);
        AtomicLongArray eventNanos = new AtomicLongArray(watchers);
        CountDownLatch created = new CountDownLatch(watchers);
        ErrorCounts errors = new ErrorCounts();
        List<StreamObserver<WatchRequest>> senders = new ArrayList<>();
        for (int w = 0; w < watchers; w++) {
            StreamObserver<WatchRequest> sender = WatchGrpc.newStub(endpoints.channel(w))
                    .watch(new Watcher(w, eventRevision, eventNanos, created, errors));
            sender.onNext(WatchRequest.newBuilder()
                    .setCreateRequest(WatchCreateRequest.newBuilder().setKey(put.getKey())).build());
            senders.add(sender);
        }
        boolean ready = created.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);

        LatencyHistogram latency = new LatencyHistogram();
        KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(endpoints.channel(0));
        long start = System.nanoTime();
        double intervalNanos = putRate > 0 ? 1e9 / putRate : 0;
        long puts = 0;
        boolean timedOut = !ready;
        for (long i = 0; ready && i < putTotal; i++) {
            long due = start + (long) (i * intervalNanos);
            while (System.nanoTime() < Math.min(due, deadlineNanos)) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            if (System.nanoTime() >= deadlineNanos) {
                timedOut = true;
                break;
            }
            puts++;
            long revision;
            try {
                PutResponse response = kv.put(put).get(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
                revision = response.getHeader().getRevision();
            } catch (ExecutionException e) {
                errors.add(e.getCause());
                continue;
            } catch (TimeoutException e) {
                timedOut = true;
                break;
            }
            long answered = System.nanoTime();
            for (int w = 0; w < watchers; w++) {
                while (eventRevision.get(w) < revision && System.nanoTime() < deadlineNanos) {
                    LockSupport.parkNanos(10_000);
                }
                if (eventRevision.get(w) < revision) {
                    timedOut = true;
                    break;
                }
                latency.record(Math.max(0, eventNanos.get(w) - answered));
            }
            if (timedOut) {
                break;
            }
        }
        for (StreamObserver<WatchRequest> sender : senders) {
            sender.onCompleted();
        }
        Measurement m = new Measurement(latency.snapshot(), errors.snapshot(),
                Duration.ofNanos(System.nanoTime() - start), puts * watchers, timedOut);
        ReportPrinter.print(out, "Summary (put response to event, per watcher)", m);
        return ResultLine.of("watch-latency", m).put("watchers", watchers).put("puts", puts);
    }

    /** One watcher's stream: publishes the revision and arrival time of its latest event. */
    private static final class Watcher implements StreamObserver<WatchResponse> {
        private final int index;
        private final AtomicLongArray eventRevision;
        private final AtomicLongArray eventNanos;
        private final CountDownLatch created;
        private final ErrorCounts errors;

        Watcher(int index, AtomicLongArray eventRevision, AtomicLongArray eventNanos, CountDownLatch created,
                ErrorCounts errors) {
            this.index = index;
            this.eventRevision = eventRevision;
            this.eventNanos = eventNanos;
            this.created = created;
            this.errors = errors;
        }

        @Override
        public void onNext(WatchResponse r) {
            long now = System.nanoTime();
            if (r.getCreated()) {
                if (r.getCanceled()) {
                    errors.add("watch create canceled: " + r.getCancelReason());
                }
                created.countDown();
            }
            if (r.getEventsCount() > 0) {
                Event last = r.getEvents(r.getEventsCount() - 1);
                // Time first, revision second: a reader that sees the revision also sees its time.
                eventNanos.set(index, now);
                eventRevision.set(index, last.getKv().getModRevision());
            }
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
            created.countDown();
        }

        @Override
        public void onCompleted() {
        }
    }
}
