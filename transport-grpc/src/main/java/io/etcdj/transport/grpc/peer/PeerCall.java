package io.etcdj.transport.grpc.peer;

import com.google.protobuf.BytesValue;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@link PeerStreamProtocol#CALL}: one request, its answer as a future that
 * fails with an IOException (carrying the peer's error text) on any status but OK, and on the
 * deadline. Completing the future first (a caller giving up) cancels the call.
 */
final class PeerCall {
    /** What the caller learns about a failed call besides the future failing. */
    interface Failure {
        /**
         * The call ended with {@code status}; {@code accepted} says whether the peer had taken it
         * (sent its headers) before.
         */
        void failed(Status status, boolean accepted);
    }

    private PeerCall() {}

    /**
     * Starts the call. {@code headers} carry the caller's identity, or nothing for an anonymous
     * call; the method is added here.
     */
    static CompletableFuture<byte[]> start(Channel channel, String method, byte[] request, Metadata headers,
                                           Duration timeout, Failure failure) {
        if (request.length > PeerStreamProtocol.MAX_CALL_BYTES) {
            return CompletableFuture.failedFuture(new IOException("peer request " + method + " of " + request.length
                    + " bytes, over the limit of " + PeerStreamProtocol.MAX_CALL_BYTES));
        }
        CallOptions options = CallOptions.DEFAULT
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .withMaxInboundMessageSize(PeerStreamProtocol.MAX_CALL_BYTES + 16)
                .withMaxOutboundMessageSize(PeerStreamProtocol.MAX_CALL_BYTES + 16);
        ClientCall<BytesValue, BytesValue> call = channel.newCall(PeerStreamProtocol.CALL, options);
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        headers.put(PeerStreamProtocol.CALL_METHOD, method.getBytes(StandardCharsets.UTF_8));
        try {
            call.start(new Listener(method, answer, failure), headers);
            call.request(2);
            call.sendMessage(BytesValue.newBuilder().setValue(UnsafeByteOperations.unsafeWrap(request)).build());
            call.halfClose();
        } catch (RuntimeException e) {
            call.cancel("peer call failed to start", e);
            answer.completeExceptionally(new IOException("peer request " + method + " failed: " + e.getMessage(), e));
        }
        // A no-op once the call closed; otherwise the caller gave up (or completed it) first.
        answer.whenComplete((result, error) -> call.cancel("the caller no longer waits for the answer", null));
        return answer;
    }

    /** gRPC calls a listener's methods one at a time, so no locking here. */
    private static final class Listener extends ClientCall.Listener<BytesValue> {
        private final String method;
        private final CompletableFuture<byte[]> answer;
        private final Failure failure;
        private boolean accepted;
        private BytesValue response;

        Listener(String method, CompletableFuture<byte[]> answer, Failure failure) {
            this.method = method;
            this.answer = answer;
            this.failure = failure;
        }

        @Override
        public void onHeaders(Metadata headers) {
            accepted = true;
        }

        @Override
        public void onMessage(BytesValue message) {
            response = message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (status.isOk() && response != null) {
                answer.complete(response.getValue().toByteArray());
                return;
            }
            if (status.isOk()) {
                status = Status.INTERNAL.withDescription("the peer closed the call without an answer");
            }
            failure.failed(status, accepted);
            String why = status.getDescription() != null ? status.getDescription() : status.getCode().toString();
            answer.completeExceptionally(new IOException("peer request " + method + " failed: " + why, status.asException()));
        }
    }
}
