package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.etcd.jetcd.api.WatchResponse;
import io.etcdj.e2e.GrpcFuzzRequests.Call;
import io.etcdj.e2e.GrpcFuzzRequests.Unary;
import io.etcdj.e2e.GrpcFuzzRequests.WatchSession;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the v3 gRPC API of a 3-member cluster (issue #7) with the odd and mutated requests of
 * {@link GrpcFuzzRequests}, one at a time, each to a member picked at random, and checks that
 * <ul>
 *   <li>every call is answered within 10 s, by a well-formed response or by an acceptable status (below);</li>
 *   <li>no member dies;</li>
 *   <li>afterwards every member passes {@code endpoint health} and all agree on {@code endpoint hashkv} at the
 *       same revision.</li>
 * </ul>
 * A status is acceptable when it is one of etcd's own errors with the code etcd gives it ({@link #ETCD_ERRORS});
 * or RESOURCE_EXHAUSTED, with a description, for a message larger than {@code --max-request-bytes} (gRPC's
 * receive limit; on a watch stream also INTERNAL, see {@link #judge}); or, for mutated bytes only, one of
 * {@link #MALFORMED_CODES} with a description (etcd 3.4's grpc-go says INTERNAL "grpc: error unmarshalling
 * request: ..." or "grpc: failed to unmarshal the received message ..."). Anything else fails, UNKNOWN
 * included: etcd answers UNKNOWN only for an error it has no gRPC mapping for.
 *
 * <p>The run is seeded: the seed is printed and in every failure message, and {@code -De2e.fuzz.seed=N} replays
 * it ({@code -De2e.fuzz.requests=N} changes the number of calls, 3,000 by default). A replay repeats the same
 * choices; leases that expire on their own make the server's later answers vary a little between runs.
 *
 * <p>Each run prints, per request kind, how often each outcome came (OK, or code and description), so runs
 * against etcd and etcdj can be compared side by side.
 *
 * <p>Two kinds of request run into defects of etcd 3.4 itself that end the run: a Range with an undefined
 * sort_target kills the member, and a writing Txn with a Range at a compacted or future revision makes the
 * members diverge (see {@link GrpcFuzzRequests#etcd34Defect}). Against etcd they are counted as not sent;
 * against etcdj they are sent like any other, and must be answered like any other.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class GrpcFuzzE2eTest {
    /** The seed CI runs: checked against etcd 3.4 and etcdj (both stores). */
    private static final long DEFAULT_SEED = 18771665967900L;

    private static final int REQUESTS = Integer.getInteger("e2e.fuzz.requests", 3_000);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(30);
    private static final Duration DYING_GRACE = Duration.ofMillis(500);
    /** Room for a Range over every huge key at once; the client must not be the one refusing an answer. */
    private static final int MAX_ANSWER_BYTES = 256 * 1024 * 1024;

    /**
     * etcd's errors (etcdserver/api/v3rpc/rpctypes) that a KV, Lease or Watch request can earn on a healthy
     * cluster without auth, each with the code etcd sends it under. Unavailability and timeouts are not here:
     * a healthy cluster serving one request at a time has no excuse for them.
     */
    private static final Map<String, Status.Code> ETCD_ERRORS = Map.ofEntries(
            Map.entry("etcdserver: key is not provided", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: key not found", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: value is provided", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: lease is provided", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: too many operations in txn request", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: duplicate key given in txn request", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: request is too large", Status.Code.INVALID_ARGUMENT),
            Map.entry("etcdserver: mvcc: required revision has been compacted", Status.Code.OUT_OF_RANGE),
            Map.entry("etcdserver: mvcc: required revision is a future revision", Status.Code.OUT_OF_RANGE),
            Map.entry("etcdserver: too large lease TTL", Status.Code.OUT_OF_RANGE),
            Map.entry("etcdserver: requested lease not found", Status.Code.NOT_FOUND),
            Map.entry("etcdserver: lease already exists", Status.Code.FAILED_PRECONDITION),
            // etcd 3.5's answer to an undefined sort order or target, on which etcd 3.4 dies.
            Map.entry("etcdserver: invalid sort option", Status.Code.INVALID_ARGUMENT));

    /** Codes a server may refuse bytes with that are no valid request (or no request of that method). */
    private static final Set<Status.Code> MALFORMED_CODES = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.INTERNAL, Status.Code.UNIMPLEMENTED, Status.Code.OUT_OF_RANGE,
            Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED);

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final Object STREAM_COMPLETED = new Object();

    @Parameter
    ServerVariant variant;

    private static EtcdCluster cluster;
    private static final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeParameterizedClassInvocation
    static void startCluster(ServerVariant variant) {
        cluster = EtcdCluster.start(3, variant);
        for (EtcdProcess member : cluster.members()) {
            String[] hostPort = member.endpoint().split(":");
            channels.add(NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext()
                    .maxInboundMessageSize(MAX_ANSWER_BYTES).build());
        }
    }

    @AfterParameterizedClassInvocation
    static void stopCluster() {
        channels.forEach(Grpc::close);
        channels.clear();
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    void oddAndMutatedRequestsGetEtcdAnswersAndTheClusterStaysConsistent() throws InterruptedException {
        // A fixed seed by default, so that CI runs the same requests every time (they passed against etcd 3.4
        // and etcdj); -De2e.fuzz.seed=random explores new ones, -De2e.fuzz.seed=N replays one.
        String seedProperty = System.getProperty("e2e.fuzz.seed", Long.toString(DEFAULT_SEED));
        long seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
        System.out.println("GrpcFuzzE2eTest[" + variant + "]: seed " + seed + " (replay with -De2e.fuzz.seed="
                + seed + ")");
        Random random = new Random(seed);
        GrpcFuzzRequests requests = new GrpcFuzzRequests(random);
        Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            Call call = requests.next();
            int member = random.nextInt(channels.size());
            String context = "seed " + seed + ", request " + i + " (" + call.kind() + ") to "
                    + cluster.members().get(member).name() + ": " + call.describe();
            List<String> seen = new ArrayList<>();
            if (!ServerUnderTest.isEtcdj() && call instanceof Unary u && u.etcd34Defect().isPresent()) {
                seen.add("not sent to etcd: " + u.etcd34Defect().get());
            } else {
                try {
                    switch (call) {
                        case Unary u -> seen.add(send(u, channels.get(member), requests, context));
                        case WatchSession w -> seen.addAll(watch(w, channels.get(member), context));
                    }
                } catch (AssertionError unacceptable) {
                    // A member that died explains the answer better than the answer does; it may take a moment
                    // to be gone after it dropped the connection.
                    assertAllRunning(context, unacceptable, DYING_GRACE);
                    throw unacceptable;
                }
            }
            for (String outcome : seen) {
                outcomes.computeIfAbsent(call.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
            }
            assertAllRunning(context, null, Duration.ZERO);
        }
        System.out.println("GrpcFuzzE2eTest[" + variant + "]: " + REQUESTS + " calls in "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        outcomes.forEach((kind, counts) -> System.out.println("GrpcFuzzE2eTest[" + variant + "] " + kind + ": "
                + counts.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "))));
        cluster.awaitHealthy(cluster.members());
        EtcdCluster.awaitEqualHashes(cluster.members(), CONVERGE_WITHIN);
    }

    /** Fails if a member has exited, or exits within {@code grace}. */
    private static void assertAllRunning(String context, Throwable answer, Duration grace) {
        for (EtcdProcess member : cluster.members()) {
            if (!member.isRunning() || !grace.isZero() && member.awaitExit(grace) != -1) {
                throw new AssertionError(member.name() + " died after " + context + "\n" + member.logTail(), answer);
            }
        }
    }

    /** Sends one unary call; returns its outcome label, or fails when the answer is not acceptable. */
    private static String send(Unary call, ManagedChannel channel, GrpcFuzzRequests requests, String context) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(call.method())
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        byte[] answer;
        try {
            answer = ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS),
                    call.request());
        } catch (StatusRuntimeException e) {
            judge(call, e.getStatus(), context);
            return label(e.getStatus());
        }
        requests.observe(parse(call.responseParser(), answer, context));
        return "OK";
    }

    /**
     * Runs one watch session: sends its requests and then the barrier create, and reads answers until the
     * barrier's or the end of the stream. Returns the outcome label followed by notes on refused and canceled
     * watchers.
     */
    private static List<String> watch(WatchSession session, ManagedChannel channel, String context)
            throws InterruptedException {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(GrpcFuzzRequests.WATCH)
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT);
        StreamObserver<byte[]> out = ClientCalls.asyncBidiStreamingCall(call, new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                received.add(t);
            }

            @Override
            public void onCompleted() {
                received.add(STREAM_COMPLETED);
            }
        });
        try {
            session.requests().forEach(out::onNext);
            out.onNext(GrpcFuzzRequests.watchBarrier());
            List<String> notes = new ArrayList<>();
            int created = 0;
            long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
            while (true) {
                Object item = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (item == null) {
                    throw new AssertionError("the barrier create was not answered within " + ANSWER_WITHIN
                            + " after " + context);
                } else if (item == STREAM_COMPLETED) {
                    throw new AssertionError("the server ended the watch stream without answering the barrier"
                            + " create after " + context);
                } else if (item instanceof Throwable t) {
                    Status status = Status.fromThrowable(t);
                    judge(session, status, context);
                    notes.addFirst(label(status));
                    return notes;
                }
                WatchResponse response = parse(WatchResponse.parser(), (byte[]) item, context);
                if (response.getCreated() && response.getWatchId() == GrpcFuzzRequests.BARRIER_WATCH_ID) {
                    assertTrue(created >= session.typedCreates(), "only " + created + " of "
                            + session.typedCreates() + " creates were answered before the barrier after " + context);
                    notes.addFirst("OK");
                    return notes;
                }
                if (response.getCreated()) {
                    created++;
                }
                if (response.getCanceled()) {
                    notes.add((response.getCreated() ? "refused create: " : "canceled: ")
                            + (response.getCompactRevision() != 0 ? "compacted " : "")
                            + response.getCancelReason());
                }
            }
        } finally {
            call.cancel("the fuzz session is over", null);
        }
    }

    /** Fails unless {@code status} is an acceptable refusal of {@code call} (see the class comment). */
    private static void judge(Call call, Status status, String context) {
        Status.Code code = status.getCode();
        String description = status.getDescription();
        if (code == Status.Code.DEADLINE_EXCEEDED) {
            throw new AssertionError("not answered within " + ANSWER_WITHIN + ": " + context, status.getCause());
        }
        boolean described = description != null && !description.isBlank();
        if (described && ETCD_ERRORS.get(description) == code) {
            return;
        }
        boolean oversized = call.largestMessage() > GrpcFuzzRequests.MAX_REQUEST_BYTES;
        if (described && oversized && code == Status.Code.RESOURCE_EXHAUSTED) {
            return;
        }
        // When grpc-go ends a watch stream over an oversized message while etcd's send loop is still answering
        // earlier requests, grpc-java may see the answer's data before its headers and report INTERNAL "headers
        // not received before payload" instead of the RESOURCE_EXHAUSTED status.
        if (described && oversized && code == Status.Code.INTERNAL && call instanceof WatchSession) {
            return;
        }
        if (described && call.mutated() && MALFORMED_CODES.contains(code)) {
            return;
        }
        throw new AssertionError("answered " + code + " '" + description + "', which is no etcd answer to "
                + context, status.getCause());
    }

    private static <T extends Message> T parse(Parser<T> parser, byte[] answer, String context) {
        try {
            return parser.parseFrom(answer);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the answer does not parse as a response: " + context, e);
        }
    }

    /** The code and description; descriptions other than etcd's lose their digits, so counts group well. */
    private static String label(Status status) {
        String description = status.getDescription();
        if (description == null) {
            return status.getCode() + " (no description)";
        }
        if (!description.startsWith("etcdserver:")) {
            description = description.replaceAll("[0-9]+", "#");
            description = description.length() > 70 ? description.substring(0, 70) + "..." : description;
        }
        return status.getCode() + " " + description;
    }
}
