package io.etcdj.benchmark;

import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchGrpc;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code watch}: opens --streams watch streams with --watch-per-stream watchers each, watcher g
 * watching key g mod --watched-key-total (so a key has several watchers when keys are few), and
 * measures watch creation latency. Then it puts --put-total values round robin over the watched keys
 * at --put-rate (with --clients in flight) and counts the events the watchers receive, until every
 * expected event has arrived or --max-duration runs out. --total is not used.
 */
final class WatchBenchmark implements Benchmark {
    static final List<Flag> FLAGS = List.of(
            Flag.value("streams", "10", "number of watch streams"),
            Flag.value("watch-per-stream", "100", "number of watchers per stream"),
            Flag.value("watched-key-total", "1", "number of distinct keys watched"),
            Flag.value("put-total", "1000", "number of puts to the watched keys"),
            Flag.value("put-rate", "100", "puts per second (0 = unlimited)"),
            Flag.value("key-size", "32", "key size"),
            Flag.value("val-size", "8", "value size of the puts"));

    private final GlobalOptions options;
    private final int streams;
    private final int perStream;
    private final KeySpace keys;
    private final long putTotal;
    private final double putRate;

    WatchBenchmark(CommandLine line, GlobalOptions options) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("watch takes no arguments, got " + line.arguments());
        }
        this.options = options;
        this.streams = line.intValue("streams", 1);
        this.perStream = line.intValue("watch-per-stream", 1);
        this.keys = new KeySpace(line.intValue("key-size", 1), line.longValue("watched-key-total", 1),
                KeySpace.randomBytes(line.intValue("val-size", 0), new SplittableRandom(1)));
        this.putTotal = line.longValue("put-total", 0);
        this.putRate = line.doubleValue("put-rate", 0);
        if ((long) streams * perStream > Integer.MAX_VALUE) {
            throw new UsageException("--streams times --watch-per-stream is too large");
        }
    }

    @Override
    public ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException {
        int watchers = streams * perStream;
        CountDownLatch created = new CountDownLatch(watchers);
        LatencyHistogram createLatency = new LatencyHistogram();
        ErrorCounts streamErrors = new ErrorCounts();
        LongAdder events = new LongAdder();
        AtomicLong lastEventNanos = new AtomicLong();
        List<StreamObserver<WatchRequest>> senders = new ArrayList<>();

        long createStart = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            WatcherStream stream = new WatcherStream(perStream, created, createLatency, streamErrors, events, lastEventNanos);
            StreamObserver<WatchRequest> sender = WatchGrpc.newStub(endpoints.channel(s)).watch(stream);
            senders.add(sender);
            for (int w = 0; w < perStream; w++) {
                long keyNo = ((long) s * perStream + w) % keys.size();
                stream.sent(System.nanoTime());
                sender.onNext(WatchRequest.newBuilder()
                        .setCreateRequest(WatchCreateRequest.newBuilder().setKey(keys.key(keyNo))).build());
            }
        }
        boolean allCreated = created.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        Measurement creation = new Measurement(createLatency.snapshot(), streamErrors.snapshot(),
                Duration.ofNanos(System.nanoTime() - createStart), watchers, !allCreated);
        ReportPrinter.print(out, "Watch creation summary", creation);

        Measurement puts = null;
        long expected = 0;
        Duration eventSpan = Duration.ZERO;
        if (allCreated) {
            List<KVGrpc.KVStub> kv = endpoints.channels().stream().map(KVGrpc::newStub).toList();
            RequestDriver driver = new RequestDriver(options.clients(), putRate, deadlineNanos);
            long putStart = System.nanoTime();
            puts = driver.run(putTotal, (seq, tracker) ->
                    kv.get((int) (seq % kv.size())).put(keys.put(seq), tracker.<PutResponse>unary()));
            expected = expectedEvents(puts.issued() - puts.errorCount(), watchers);
            while (events.sum() < expected && System.nanoTime() < deadlineNanos) {
                LockSupport.parkNanos(1_000_000);
            }
            eventSpan = Duration.ofNanos(Math.max(0, lastEventNanos.get() - putStart));
            ReportPrinter.print(out, "Put summary", puts);
        }
        for (StreamObserver<WatchRequest> sender : senders) {
            sender.onCompleted();
        }
        long received = events.sum();
        double eventsPerSecond = eventSpan.isZero() ? 0 : received / (eventSpan.toNanos() / 1e9);
        out.println();
        out.printf(Locale.ROOT, "Watch events: received %d of %d expected in %.4f secs (%.1f events/sec)%n",
                received, expected, eventSpan.toNanos() / 1e9, eventsPerSecond);
        Map<String, Long> laterStreamErrors = streamErrors.snapshot();
        if (!laterStreamErrors.isEmpty()) {
            out.println("Watch stream errors: " + laterStreamErrors);
        }
        ResultLine result = new ResultLine().put("op", "watch").put("watchers", watchers)
                .put("create_p50_ms", creation.latencies().percentile(50) / 1e6)
                .put("create_p99_ms", creation.latencies().percentile(99) / 1e6)
                .put("puts", puts == null ? 0 : puts.issued())
                .put("put_rps", puts == null ? 0.0 : puts.requestsPerSecond())
                .put("put_p99_ms", puts == null ? 0.0 : puts.latencies().percentile(99) / 1e6)
                .put("events_expected", expected).put("events_received", received)
                .put("events_per_s", eventsPerSecond)
                .put("errors", laterStreamErrors.values().stream().mapToLong(Long::longValue).sum()
                        + (puts == null ? 0 : puts.errorCount()))
                .put("timed_out", !allCreated || received < expected || (puts != null && puts.timedOut()));
        return result;
    }

    /** Puts go round robin over the keys and watcher g watches key g mod K, so count per put. */
    private long expectedEvents(long succeededPuts, int watchers) {
        long k = keys.size();
        long sum = 0;
        for (long p = 0; p < Math.min(succeededPuts, k); p++) {
            long watchersOfKey = watchers / k + (p < watchers % k ? 1 : 0);
            long putsToKey = succeededPuts / k + (p < succeededPuts % k ? 1 : 0);
            sum += watchersOfKey * putsToKey;
        }
        return sum;
    }

    /** One watch stream's answers, handled on its event-loop thread. */
    private static final class WatcherStream implements StreamObserver<WatchResponse> {
        private final CountDownLatch created;
        private final LatencyHistogram createLatency;
        private final ErrorCounts errors;
        private final LongAdder events;
        private final AtomicLong lastEventNanos;
        // Send times of create requests, answered in order on one stream (etcd handles them in order).
        private final AtomicLongArray sendTimes;
        private final AtomicLong sentCount = new AtomicLong();
        private long answered;

        WatcherStream(int creates, CountDownLatch created, LatencyHistogram createLatency, ErrorCounts errors,
                      LongAdder events, AtomicLong lastEventNanos) {
            this.created = created;
            this.createLatency = createLatency;
            this.errors = errors;
            this.events = events;
            this.lastEventNanos = lastEventNanos;
            this.sendTimes = new AtomicLongArray(creates);
        }

        void sent(long nanos) {
            long i = sentCount.getAndIncrement();
            sendTimes.set((int) i, nanos);
        }

        @Override
        public void onNext(WatchResponse r) {
            long now = System.nanoTime();
            if (r.getCreated()) {
                long start = sendTimes.get((int) Math.min(answered++, sendTimes.length() - 1));
                if (r.getCanceled()) {
                    errors.add("watch create canceled: " + r.getCancelReason());
                } else {
                    createLatency.record(Math.max(0, now - start));
                }
                created.countDown();
            } else if (r.getCanceled()) {
                errors.add("watch canceled: " + r.getCancelReason());
            }
            if (r.getEventsCount() > 0) {
                events.add(r.getEventsCount());
                lastEventNanos.accumulateAndGet(now, Math::max);
            }
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
            // Unanswered creates will never be answered: release the waiter instead of running into the deadline.
            for (long i = answered; i < sentCount.get(); i++) {
                created.countDown();
            }
        }

        @Override
        public void onCompleted() {
        }
    }
}
