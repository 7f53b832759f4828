package io.etcdj.transport.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Answers a request that is not a valid protobuf message as etcd (grpc-go) does: status INTERNAL,
 * "grpc: error unmarshalling request: ...". grpc-java would report UNKNOWN "Application error
 * processing RPC", because it decodes the message on the application's side of the call. Each
 * method's request marshaller is wrapped so that a parse failure yields {@code null} and the reason,
 * and the call is then closed with INTERNAL before the service sees the message.
 *
 * <p>On a stream the service may be sending from its own thread at that moment, so the service is
 * handed a {@link ClosableCall} whose sends and close are serialized with the guard's close and
 * ignored after it; the service then learns of the end through its close handler
 * ({@code ServerCallStreamObserver.setOnCloseHandler}).
 */
final class MalformedRequests {
    /** The parse failure of the message being delivered on this thread (parse and delivery share it). */
    private static final ThreadLocal<String> LAST_FAILURE = new ThreadLocal<>();

    private MalformedRequests() {
    }

    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> guarded = guardMethod(method);
            descriptor.addMethod(guarded.getMethodDescriptor());
            methods.add(guarded);
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> m : methods) {
            b.addMethod(m);
        }
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> guardMethod(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> md = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> parser = md.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> tolerant = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return parser.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    LAST_FAILURE.remove();
                    return parser.parse(stream);
                } catch (RuntimeException e) {
                    String reason = e.getCause() != null && e.getCause().getMessage() != null
                            ? e.getCause().getMessage() : String.valueOf(e.getMessage());
                    LAST_FAILURE.set(reason);
                    return null;
                }
            }
        };
        MethodDescriptor<Q, R> guardedDescriptor = md.toBuilder(tolerant, md.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        ServerCallHandler<Q, R> guardedHandler = (rawCall, headers) -> {
            ClosableCall<Q, R> call = new ClosableCall<>(rawCall);
            ServerCall.Listener<Q> delegate = handler.startCall(call, headers);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                private boolean closed;

                @Override
                public void onMessage(Q message) {
                    if (closed) {
                        return;
                    }
                    if (message == null) {
                        String reason = LAST_FAILURE.get();
                        LAST_FAILURE.remove();
                        closed = true;
                        call.close(Status.INTERNAL.withDescription("grpc: error unmarshalling request: "
                                + (reason == null ? "invalid message" : reason)), new Metadata());
                        return;
                    }
                    super.onMessage(message);
                }

                @Override
                public void onHalfClose() {
                    if (!closed) {
                        super.onHalfClose();
                    }
                }
            };
        };
        return ServerMethodDefinition.create(guardedDescriptor, guardedHandler);
    }

    /** A call whose outbound side may be closed by the guard while the service still sends. */
    private static final class ClosableCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private boolean closed;

        ClosableCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }
    }
}
