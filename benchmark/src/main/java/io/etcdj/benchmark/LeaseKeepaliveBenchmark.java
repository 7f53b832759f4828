package io.etcdj.benchmark;

import io.etcdj.api.etcdserverpb.LeaseGrantRequest;
import io.etcdj.api.etcdserverpb.LeaseGrpc;
import io.etcdj.api.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.api.etcdserverpb.LeaseKeepAliveResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code lease-keepalive}: grants --leases leases (TTL 100 s, as etcd's benchmark), opens one
 * keep-alive stream per --clients, and sends --total keep-alive requests, request i renewing lease
 * i mod N on stream i mod clients. Latency is from sending a renewal to its answer (answers on a
 * stream come in order). An answer with TTL 0 (lease unknown) counts as an error. Leases are left
 * to expire rather than revoked.
 */
final class LeaseKeepaliveBenchmark implements Benchmark {
    static final List<Flag> FLAGS = List.of(
            Flag.value("leases", "0", "number of leases kept alive (0 = one per --clients)"),
            Flag.value("lease-ttl", "100", "TTL in seconds of the granted leases"));
    static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";

    private final GlobalOptions options;
    private final int leases;
    private final long ttl;

    LeaseKeepaliveBenchmark(CommandLine line, GlobalOptions options) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("lease-keepalive takes no arguments, got " + line.arguments());
        }
        this.options = options;
        int n = line.intValue("leases", 0);
        this.leases = n == 0 ? options.clients() : n;
        this.ttl = line.longValue("lease-ttl", 1);
    }

    @Override
    public ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException {
        LeaseKeepAliveRequest[] renewals = new LeaseKeepAliveRequest[leases];
        for (int i = 0; i < leases; i++) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw new IllegalStateException("--max-duration reached while granting leases (" + i + " of " + leases + ")");
            }
            try {
                long id = LeaseGrpc.newBlockingStub(endpoints.channel(i))
                        .withDeadlineAfter(remaining, TimeUnit.NANOSECONDS)
                        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build()).getID();
                renewals[i] = LeaseKeepAliveRequest.newBuilder().setID(id).build();
            } catch (StatusRuntimeException e) {
                throw new IllegalStateException("granting lease " + i + ": " + ErrorCounts.messageOf(e), e);
            }
        }
        List<KeepAliveStream> streams = new ArrayList<>();
        for (int s = 0; s < options.clients(); s++) {
            KeepAliveStream stream = new KeepAliveStream();
            stream.sender = LeaseGrpc.newStub(endpoints.channel(s)).leaseKeepAlive(stream);
            streams.add(stream);
        }
        RequestDriver driver = new RequestDriver(options.clients(), options.rate(), deadlineNanos);
        Measurement m = driver.run(options.total(), (seq, tracker) ->
                streams.get((int) (seq % streams.size())).send(renewals[(int) (seq % leases)], tracker));
        for (KeepAliveStream stream : streams) {
            stream.close();
        }
        ReportPrinter.print(out, "Summary", m);
        return ResultLine.of("lease-keepalive", m).put("leases", leases);
    }

    /** One keep-alive stream: renewals go out from the driver thread, answers come in on an event loop, in order. */
    private static final class KeepAliveStream implements StreamObserver<LeaseKeepAliveResponse> {
        private StreamObserver<LeaseKeepAliveRequest> sender;
        private final ArrayDeque<Long> sendTimes = new ArrayDeque<>();
        private RequestDriver.Tracker tracker;
        private Throwable failure;

        void send(LeaseKeepAliveRequest request, RequestDriver.Tracker tracker) {
            synchronized (this) {
                this.tracker = tracker;
                if (failure != null) {
                    tracker.failed(failure);
                    return;
                }
                sendTimes.addLast(System.nanoTime());
            }
            sender.onNext(request);
        }

        void close() {
            synchronized (this) {
                if (failure != null) {
                    return;
                }
            }
            sender.onCompleted();
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            Long start;
            synchronized (this) {
                start = sendTimes.pollFirst();
            }
            if (start == null) {
                return; // an answer to nothing we sent: not ours to count
            }
            if (response.getTTL() <= 0) {
                tracker.failed(LEASE_NOT_FOUND);
            } else {
                tracker.succeeded(start);
            }
        }

        @Override
        public void onError(Throwable t) {
            int pending;
            synchronized (this) {
                failure = t;
                pending = sendTimes.size();
                sendTimes.clear();
            }
            for (int i = 0; i < pending; i++) {
                tracker.failed(t);
            }
        }

        @Override
        public void onCompleted() {
            onError(new IllegalStateException("keep-alive stream closed by the server"));
        }
    }
}
