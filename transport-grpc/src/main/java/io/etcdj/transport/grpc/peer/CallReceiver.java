package io.etcdj.transport.grpc.peer;

import com.google.protobuf.BytesValue;
import com.google.protobuf.UnsafeByteOperations;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The server side of {@link PeerStreamProtocol#CALL}: a call with identity headers goes through
 * {@link PeerAdmission} (one without any is taken, see {@link PeerStreamProtocol}), then the
 * handler's {@code serve} answers it on the gRPC thread the call's callbacks run on (a transport
 * pool thread, which it may block: other calls and streams run on other threads).
 */
final class CallReceiver implements ServerCallHandler<BytesValue, BytesValue> {
    private static final System.Logger LOG = System.getLogger(CallReceiver.class.getName());

    private final PeerAdmission admission;
    private final PeerTransportConfig.Handler handler;

    CallReceiver(PeerAdmission admission, PeerTransportConfig.Handler handler) {
        this.admission = admission;
        this.handler = handler;
    }

    @Override
    public ServerCall.Listener<BytesValue> startCall(ServerCall<BytesValue, BytesValue> call, Metadata headers) {
        boolean anonymous = !headers.containsKey(PeerStreamProtocol.CLUSTER_ID) && !headers.containsKey(PeerStreamProtocol.SENDER_ID);
        Status refusal = anonymous ? null : admission.check(headers).refusal();
        byte[] method = headers.get(PeerStreamProtocol.CALL_METHOD);
        if (refusal == null && method == null) {
            refusal = Status.INVALID_ARGUMENT.withDescription("peer call without a " + PeerStreamProtocol.CALL_METHOD.name() + " header");
        }
        if (refusal != null) {
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() {};
        }
        call.sendHeaders(new Metadata());
        // Two, as grpc-stub asks for unary calls: a second request message is then seen and refused.
        call.request(2);
        return new Listener(call, new String(method, StandardCharsets.UTF_8));
    }

    /** gRPC runs one call's callbacks one at a time, so no locking here. */
    private final class Listener extends ServerCall.Listener<BytesValue> {
        private final ServerCall<BytesValue, BytesValue> call;
        private final String method;
        private BytesValue request;
        private boolean closed;

        Listener(ServerCall<BytesValue, BytesValue> call, String method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void onMessage(BytesValue message) {
            if (request != null) {
                close(Status.INVALID_ARGUMENT.withDescription("peer call with more than one request"));
                return;
            }
            request = message;
        }

        @Override
        public void onHalfClose() {
            if (closed) {
                return;
            }
            if (request == null) {
                close(Status.INVALID_ARGUMENT.withDescription("peer call without a request"));
                return;
            }
            if (request.getValue().size() > PeerStreamProtocol.MAX_CALL_BYTES) {
                close(Status.RESOURCE_EXHAUSTED.withDescription("peer request of " + request.getValue().size()
                        + " bytes, over the limit of " + PeerStreamProtocol.MAX_CALL_BYTES));
                return;
            }
            byte[] answer;
            try {
                answer = handler.serve(method, request.getValue().toByteArray());
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "failed to serve peer request " + method, e);
                close(Status.UNKNOWN.withDescription(e.getMessage() != null ? e.getMessage() : e.toString()));
                return;
            }
            if (answer == null || answer.length > PeerStreamProtocol.MAX_CALL_BYTES) {
                close(Status.INTERNAL.withDescription(answer == null ? "the server gave no answer to " + method
                        : "answer to " + method + " of " + answer.length + " bytes, over the limit of " + PeerStreamProtocol.MAX_CALL_BYTES));
                return;
            }
            // serve() hands the array over: wrapping it spares a copy.
            call.sendMessage(BytesValue.newBuilder().setValue(UnsafeByteOperations.unsafeWrap(answer)).build());
            close(Status.OK);
        }

        @Override
        public void onCancel() {
            closed = true;
        }

        private void close(Status status) {
            if (!closed) {
                closed = true;
                call.close(status, new Metadata());
            }
        }
    }
}
