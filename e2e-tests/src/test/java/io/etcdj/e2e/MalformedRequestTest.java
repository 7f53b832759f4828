package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes that are not a valid protobuf message, sent straight to the KV methods: the server answers
 * with an error (etcd, on grpc-go, says Internal; so does grpc-java) and keeps serving, with every
 * acknowledged write intact.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class MalformedRequestTest {
    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static ManagedChannel channel;

    @org.junit.jupiter.params.BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("malformed", variant);
        String[] hostPort = server.endpoint().split(":");
        channel = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext().build();
    }

    @org.junit.jupiter.params.AfterParameterizedClassInvocation
    static void stopServer() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            channel = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** A unary method that sends and receives raw bytes, so the test can send what no stub would. */
    private static MethodDescriptor<byte[], byte[]> raw(String fullMethodName) {
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
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName).setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    }

    private static byte[] call(String method, byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, raw(method), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                request);
    }

    @Test
    void garbageIsRefusedAndTheServerKeepsServing() {
        Etcdctl ctl = server.etcdctl();
        assertEquals("OK\n", ctl.ok("put", "malformed/kept", "v1"));
        // Field 1 (key) as a length-delimited field claiming 100 bytes, followed by 3: truncated.
        byte[][] garbage = {
                {0x0a, 0x64, 'a', 'b', 'c'},
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                {0x0f},  // field 1 with wire type 7, which does not exist
        };
        for (String method : new String[]{"etcdserverpb.KV/Put", "etcdserverpb.KV/Range", "etcdserverpb.KV/Txn"}) {
            for (byte[] g : garbage) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(method, g),
                        method + " accepted garbage");
                assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), method + ": " + e.getStatus());
            }
        }
        // A method that does not exist.
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> call("etcdserverpb.KV/NoSuchMethod", new byte[0]));
        assertEquals(Status.Code.UNIMPLEMENTED, missing.getStatus().getCode());

        assertTrue(server.isRunning(), "the server died on malformed input");
        assertEquals("malformed/kept\nv1\n", ctl.ok("get", "malformed/kept"));
        assertEquals("OK\n", ctl.ok("put", "malformed/after", "v2"));
        assertEquals("malformed/after\nv2\n", ctl.ok("get", "malformed/after"));
    }
}
