package io.etcdj.transport.grpc;

import static io.etcdj.transport.grpc.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.WatchSession;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bytes that are no protobuf message, sent to the streaming and new unary methods: INTERNAL, as from etcd. */
class MalformedStreamRequestsTest {
    /** Field 1 claiming 100 bytes of which 3 follow: truncated. */
    private static final byte[] GARBAGE = {0x0a, 0x64, 'a', 'b', 'c'};

    private final FakeWatchSession session = new FakeWatchSession();
    private Fixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new Fixture(new FakeServer() {
            @Override
            public WatchSession watch(RequestContext context) {
                return session;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static MethodDescriptor<byte[], byte[]> raw(String fullMethodName, MethodDescriptor.MethodType type) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
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
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(fullMethodName)
                .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    }

    /** Sends {@code messages} on a raw call and returns how it ended. */
    private Status send(String method, MethodDescriptor.MethodType type, List<byte[]> messages) throws Exception {
        ClientCall<byte[], byte[]> call = fixture.channel.newCall(raw(method, type),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        for (byte[] m : messages) {
            call.sendMessage(m);
        }
        if (type != MethodDescriptor.MethodType.BIDI_STREAMING) {
            call.halfClose();
        }
        return closed.get(10, TimeUnit.SECONDS);
    }

    private static void assertInternal(Status status, String method) {
        assertEquals(Status.Code.INTERNAL, status.getCode(), method + ": " + status);
        assertTrue(status.getDescription().startsWith("grpc: error unmarshalling request: "), status.getDescription());
    }

    @Test
    void unaryMethodsOfTheNewServices() {
        for (String method : List.of("etcdserverpb.Lease/LeaseGrant", "etcdserverpb.Lease/LeaseRevoke",
                "v3lockpb.Lock/Lock", "v3lockpb.Lock/Unlock", "v3electionpb.Election/Campaign",
                "v3electionpb.Election/Leader")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                    fixture.channel, raw(method, MethodDescriptor.MethodType.UNARY),
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), GARBAGE), method);
            assertInternal(e.getStatus(), method);
        }
    }

    @Test
    void serverStreamingMethods() throws Exception {
        for (String method : List.of("etcdserverpb.Maintenance/Snapshot", "v3electionpb.Election/Observe")) {
            assertInternal(send(method, MethodDescriptor.MethodType.SERVER_STREAMING, List.of(GARBAGE)), method);
        }
    }

    @Test
    void keepAliveStream() throws Exception {
        assertInternal(send("etcdserverpb.Lease/LeaseKeepAlive", MethodDescriptor.MethodType.BIDI_STREAMING,
                List.of(GARBAGE)), "LeaseKeepAlive");
    }

    @Test
    void watchStreamIsClosedAndItsSessionToo() throws Exception {
        byte[] create = WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))).build().toByteArray();
        // The server keeps sending while the garbage arrives: the guard's close must not collide with the pump.
        session.produceForever(() -> WatchResponse.newBuilder().setWatchId(1).build());
        Status status = send("etcdserverpb.Watch/Watch", MethodDescriptor.MethodType.BIDI_STREAMING, List.of(create, GARBAGE));
        assertInternal(status, "Watch");
        assertEquals(1, session.handled.size(), "the valid request before the garbage was handled");
        await(() -> session.closes.get() == 1, "the session was closed with the stream");
    }
}
