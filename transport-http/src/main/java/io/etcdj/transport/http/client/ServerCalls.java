package io.etcdj.transport.http.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Calls to the server from a request's (virtual) thread, which simply waits for the answer. */
final class ServerCalls {
    private ServerCalls() {
    }

    /** Starts the call, a failure thrown at once included, as a future. */
    static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The call's result; its failure as an {@link ExecutionException}. */
    static <T> T await(Supplier<CompletableFuture<T>> call) throws ExecutionException, IOException {
        return await(start(call));
    }

    static <T> T await(CompletableFuture<T> future) throws ExecutionException, IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the server");
        }
    }
}
