package io.etcdj.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the real command line in-process against a fake etcd KV service on a loopback port. */
class FakeEtcdRunTest {
    /** Answers puts (every fifth one with UNAVAILABLE) and ranges; a range on key "hang" is never answered. */
    static final class FakeKv extends KVGrpc.KVImplBase {
        final AtomicLong puts = new AtomicLong();
        final AtomicLong ranges = new AtomicLong();
        final Set<com.google.protobuf.ByteString> keys = ConcurrentHashMap.newKeySet();
        final Set<Boolean> serializable = ConcurrentHashMap.newKeySet();

        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> response) {
            long n = puts.incrementAndGet();
            keys.add(request.getKey());
            if (n % 5 == 0) {
                response.onError(Status.UNAVAILABLE.withDescription("fake failure").asRuntimeException());
                return;
            }
            response.onNext(PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(n)).build());
            response.onCompleted();
        }

        @Override
        public void range(RangeRequest request, StreamObserver<RangeResponse> response) {
            ranges.incrementAndGet();
            serializable.add(request.getSerializable());
            if (request.getKey().toStringUtf8().equals("hang")) {
                return;
            }
            response.onNext(RangeResponse.newBuilder().setCount(1).build());
            response.onCompleted();
        }
    }

    private final FakeKv kv = new FakeKv();
    private Server server;

    private String endpoint() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(kv).build().start();
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private record Run(int status, String out, String err) {
        Map<String, String> result() {
            String[] lines = out.strip().split("\n");
            String last = lines[lines.length - 1];
            assertTrue(last.startsWith("RESULT {"), "last line is the RESULT line: " + last);
            return parseFlatJson(last.substring("RESULT ".length()));
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A strict parser for a flat JSON object of strings, numbers, booleans and null: fails on anything else. */
    static Map<String, String> parseFlatJson(String json) {
        Pattern member = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|true|false|null)");
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        String body = json.substring(1, json.length() - 1);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = member.matcher(body);
        int at = 0;
        while (at < body.length()) {
            assertTrue(m.find(at) && m.start() == at, "malformed JSON at " + at + ": " + body);
            fields.put(m.group(1), m.group(2).startsWith("\"") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2));
            at = m.end();
            if (at < body.length()) {
                assertEquals(',', body.charAt(at), "comma expected: " + body);
                at++;
                assertTrue(at < body.length(), "member expected after the comma: " + body);
            }
        }
        return fields;
    }

    @Test
    void putCountsSuccessesAndErrors() throws Exception {
        Run r = run("put", "--endpoints", endpoint(), "--total", "500", "--clients", "8", "--conns", "2",
                "--key-space-size", "1000", "--sequential-keys");
        assertEquals(0, r.status(), r.err());
        assertEquals(500, kv.puts.get(), "every request reached the server once");
        assertEquals(500, kv.keys.size(), "sequential keys over a space of 1000 are all distinct");
        Map<String, String> result = r.result();
        assertEquals("put", result.get("op"));
        assertEquals("500", result.get("total"));
        assertEquals("400", result.get("succeeded"));
        assertEquals("100", result.get("errors"));
        assertEquals("false", result.get("timed_out"));
        assertTrue(Double.parseDouble(result.get("rps")) > 0);
        assertTrue(Double.parseDouble(result.get("p50_ms")) <= Double.parseDouble(result.get("p99_ms")));
        assertTrue(Double.parseDouble(result.get("p99_ms")) <= Double.parseDouble(result.get("p999_ms")));
        assertTrue(Double.parseDouble(result.get("client_cpu_s")) > 0);
        assertTrue(r.out().contains("Summary:"), r.out());
        assertTrue(r.out().contains("Response time histogram:"));
        assertTrue(r.out().contains("99.9% in "));
        assertTrue(r.out().contains("[100]\trpc error: code = Unavailable desc = fake failure"), r.out());
    }

    @Test
    void putWithOneKeyAlwaysWritesTheSameKey() throws Exception {
        Run r = run("put", "--endpoints", endpoint(), "--total", "50", "--key-size", "16", "--val-size", "100");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, kv.keys.size());
        assertEquals(16, kv.keys.iterator().next().size());
    }

    @Test
    void rangeSerializable() throws Exception {
        Run r = run("range", "k", "--endpoints", endpoint(), "--total", "300", "--clients", "4", "--consistency", "s",
                "--rate", "100000");
        assertEquals(0, r.status(), r.err());
        assertEquals(300, kv.ranges.get());
        assertEquals(Set.of(true), kv.serializable);
        Map<String, String> result = r.result();
        assertEquals("range", result.get("op"));
        assertEquals("300", result.get("succeeded"));
        assertEquals("0", result.get("errors"));
        assertTrue(!r.out().contains("Error distribution"));
    }

    @Test
    void maxDurationStopsARunThatNeverCompletesAndStillReports() throws Exception {
        Run r = run("range", "hang", "--endpoints", endpoint(), "--total", "1000", "--clients", "3",
                "--max-duration", "1s");
        assertEquals(0, r.status(), r.err());
        assertEquals(3, kv.ranges.get(), "only --clients requests were sent while none was answered");
        Map<String, String> result = r.result();
        assertEquals("true", result.get("timed_out"));
        assertEquals("3", result.get("total"));
        assertEquals("0", result.get("succeeded"));
        assertTrue(r.out().contains("stopped by --max-duration"), r.out());
    }

    @Test
    void unreachableEndpointIsCountedAsErrors() throws Exception {
        String endpoint = endpoint();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Run r = run("put", "--endpoints", endpoint, "--total", "20", "--max-duration", "30s");
        assertEquals(0, r.status(), r.err());
        Map<String, String> result = r.result();
        assertEquals("20", result.get("errors"));
        assertEquals("0", result.get("succeeded"));
        assertTrue(r.out().contains("code = Unavailable"), r.out());
    }

    @Test
    void resultParserRejectsMalformedJson() {
        assertEquals(Map.of("a", "1", "b", "x"), parseFlatJson("{\"a\":1,\"b\":\"x\"}"));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> parseFlatJson("{\"a\":1,}"));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> parseFlatJson("{\"a\":01x}"));
    }
}
