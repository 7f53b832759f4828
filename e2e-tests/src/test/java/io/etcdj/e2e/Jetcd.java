package io.etcdj.e2e;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** jetcd helpers: a client for one server, UTF-8 byte sequences, and bounded waits on futures. */
final class Jetcd {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Jetcd() {
    }

    /** A jetcd client talking to the server's client URL on 127.0.0.1 only. */
    static Client client(EtcdProcess server) {
        return Client.builder().endpoints(server.clientUrl()).build();
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Waits for a request that must fail and returns the gRPC status it failed with (jetcd 0.8 passes
     * the server's status through, as a {@link io.grpc.StatusRuntimeException} or wrapped in its own
     * exceptions).
     */
    static Status failure(Supplier<CompletableFuture<?>> request) {
        try {
            Object result = request.get().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + result);
        } catch (ExecutionException e) {
            Status status = Status.fromThrowable(e.getCause());
            if (status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null) {
                throw new AssertionError("not a gRPC failure", e.getCause());
            }
            return status;
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for a successful result; a failure is rethrown as the cause, unwrapped. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
