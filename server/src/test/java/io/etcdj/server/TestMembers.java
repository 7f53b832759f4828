package io.etcdj.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.server.config.ConfigParser;
import io.etcdj.server.config.EtcdConfig;
import io.etcdj.server.config.ParseResult;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Helpers for tests that start real members in-process: configuration parsed from flags as
 * {@code bin/etcd} would get them, and short ways to call the {@link EtcdServerApi}.
 */
public final class TestMembers {
    /** How long a test waits for one request before calling it hung (not a timing assertion). */
    public static final long WAIT_SECONDS = 30;

    private TestMembers() {
    }

    /** The member's one peer URL in {@link #config}: its ID is computed from it. */
    public record Member(EtcdConfig config, String peerUrl, String clientUrl) {
    }

    /**
     * A single-member configuration in {@code dataDir} on {@code store}, on free loopback ports,
     * with a short heartbeat (10 ms) so the request timeout is short (5.2 s); {@code extra} flags
     * are appended (later flags win).
     */
    public static Member member(Path dataDir, String store, String... extra) {
        String peer = "http://127.0.0.1:" + freePort();
        String client = "http://127.0.0.1:" + freePort();
        List<String> args = new ArrayList<>(List.of(
                "--name", "m1",
                "--data-dir", dataDir.toString(),
                "--store", store,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "m1=" + peer,
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--heartbeat-interval", "10",
                "--election-timeout", "100"));
        args.addAll(List.of(extra));
        ParseResult parsed = ConfigParser.parse(args.toArray(String[]::new), Map.of());
        if (parsed instanceof ParseResult.Failure f) {
            throw new AssertionError("flags refused: " + f.message());
        }
        return new Member(assertInstanceOf(ParseResult.Run.class, parsed).config(), peer, client);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** The outcome of a request, failing the test if it failed or hung. */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("request did not complete in " + WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The etcd error a request failed with; fails the test if it succeeded, hung or failed otherwise. */
    public static EtcdError errorOf(CompletableFuture<?> f) {
        try {
            Object value = f.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return fail("expected an etcd error, got " + value);
        } catch (ExecutionException e) {
            return assertInstanceOf(EtcdException.class, e.getCause(), "failure: " + e.getCause()).error();
        } catch (TimeoutException e) {
            throw new AssertionError("request did not complete in " + WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static PutResponse put(EtcdServerApi server, String key, String value) {
        return await(server.put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build(),
                RequestContext.NONE));
    }

    /** The key's current value (linearizable read), or null. */
    public static KeyValue get(EtcdServerApi server, String key) {
        RangeResponse r = await(server.range(RangeRequest.newBuilder().setKey(bytes(key)).build(), RequestContext.NONE));
        return r.getKvsCount() == 0 ? null : r.getKvs(0);
    }

    /** Every key (linearizable read) at {@code revision} (0: current). */
    public static RangeResponse all(EtcdServerApi server, long revision) {
        return await(server.range(RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0"))
                .setRevision(revision).build(), RequestContext.NONE));
    }

    /** Asserts the server still takes a write and reads it back. */
    public static void assertServing(EtcdServerApi server) {
        String key = "serving-" + System.nanoTime();
        long revision = put(server, key, "yes").getHeader().getRevision();
        KeyValue kv = get(server, key);
        assertEquals("yes", kv == null ? null : kv.getValue().toStringUtf8());
        assertEquals(revision, kv.getModRevision());
    }
}
