package io.etcdj.transport.http.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a call ({@code POST /raft/call/<method>}): its answer as a future that fails
 * with an IOException (carrying the peer's error text) on any status but 200, on an answer over
 * {@value PeerHttpProtocol#MAX_CALL_BYTES} bytes, and when the whole answer has not come within the
 * timeout ({@code java.net.http}'s own timeout ends at the response headers). Completing the
 * future first (a caller giving up) cancels the request.
 */
final class PeerCall {
    /** What the caller learns about a failed call besides the future failing. */
    interface Failure {
        /** No answer came from {@code url} (no connection, or none within the timeout). */
        void unreached(URI url);

        /** The peer refused the call because this member was removed from the cluster. */
        void removed();
    }

    static final Failure IGNORED = new Failure() {
        @Override
        public void unreached(URI url) {}

        @Override
        public void removed() {}
    };

    private PeerCall() {}

    /** {@code builder} (already aimed at the call's path) completed into a POST of {@code request}. */
    static HttpRequest request(HttpRequest.Builder builder, byte[] request, Duration timeout) {
        return builder.timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                .build();
    }

    static CompletableFuture<byte[]> send(HttpClient client, HttpRequest request, String method, Duration timeout,
                                          Failure failure) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = client.sendAsync(request, info -> new BoundedBody(PeerHttpProtocol.MAX_CALL_BYTES));
        } catch (RuntimeException e) {
            // The client is shut down (the transport is closing).
            return CompletableFuture.failedFuture(new IOException("peer request " + method + " failed: " + e.getMessage(), e));
        }
        exchange.whenComplete((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                boolean first = answer.completeExceptionally(new IOException("peer request " + method + " to "
                        + request.uri().getAuthority() + " failed: " + cause, cause));
                if (first && cause instanceof IOException) {
                    failure.unreached(request.uri());
                }
            } else if (response.statusCode() == PeerHttpProtocol.OK) {
                answer.complete(response.body());
            } else {
                if (response.statusCode() == PeerHttpProtocol.GONE) {
                    failure.removed();
                }
                String text = new String(response.body(), StandardCharsets.UTF_8).strip();
                answer.completeExceptionally(new IOException("peer request " + method + " failed: "
                        + response.statusCode() + " " + text));
            }
        });
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (answer.completeExceptionally(new HttpTimeoutException("peer request " + method + " to "
                    + request.uri().getAuthority() + ": no whole answer within " + timeout))) {
                failure.unreached(request.uri());
            }
        });
        // A no-op once answered; otherwise the caller gave up (or the timeout struck) first.
        answer.whenComplete((result, error) -> exchange.cancel(true));
        return answer;
    }

    /** Collects a body of at most {@code limit} bytes; a bigger one is cut off and fails. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (bytes.size() + (long) buffer.remaining() > limit) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("peer answer over the limit of " + limit + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }
    }
}
