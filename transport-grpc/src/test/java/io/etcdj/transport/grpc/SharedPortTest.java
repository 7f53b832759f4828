package io.etcdj.transport.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One client port, two protocols: gRPC (HTTP/2) goes to the gRPC services, every other connection
 * is relayed byte for byte to the HTTP fallback, as etcd shares port 2379.
 */
class SharedPortTest {
    private ServerSocket fallback;
    private ClientTransport transport;
    private ManagedChannel channel;
    private int port;

    @BeforeEach
    void start() throws IOException {
        fallback = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::serveFallback);
        FakeServer server = new FakeServer() {
            @Override
            public CompletableFuture<RangeResponse> range(RangeRequest request, RequestContext context) {
                return CompletableFuture.completedFuture(RangeResponse.newBuilder().setCount(request.getKey().size())
                        .build());
            }
        };
        transport = new GrpcClientTransportProvider().create(new ClientTransportConfig(
                List.of(URI.create("http://127.0.0.1:0")), server, 0,
                new InetSocketAddress("127.0.0.1", fallback.getLocalPort())));
        transport.start();
        port = transport.boundAddresses().getFirst().getPort();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        transport.close();
        fallback.close();
    }

    /** A minimal HTTP/1.1 server: answers "<method> <path> <body length>" for each request, keep-alive. */
    private void serveFallback() {
        while (!fallback.isClosed()) {
            try {
                Socket s = fallback.accept();
                Thread.ofVirtual().start(() -> answer(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                long length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    }
                }
                long read = 0;
                byte[] sink = new byte[64 * 1024];
                while (read < length) {
                    int n = in.read(sink, 0, (int) Math.min(sink.length, length - read));
                    if (n < 0) {
                        return;
                    }
                    read += n;
                }
                String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
                byte[] body = (requestLine[0] + " " + requestLine[1] + " " + read).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (b.size() >= 4 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int length = Integer.parseInt(head.substring(head.indexOf("Content-Length: ") + 16).split("\r\n")[0]);
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void onePortServesGrpcAndHttp() throws IOException {
        RangeResponse r = KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("four")).build());
        assertEquals(4, r.getCount());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("GET /health 0", readResponse(s.getInputStream()));
            // The same connection carries more requests, relayed in order.
            s.getOutputStream().write("GET /version HTTP/1.1\r\nHost: h\r\n\r\nGET /metrics HTTP/1.1\r\nHost: h\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("GET /version 0", readResponse(s.getInputStream()));
            assertEquals("GET /metrics 0", readResponse(s.getInputStream()));
        }
        // gRPC still works after HTTP connections came and went.
        assertEquals(2, KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("ab")).build()).getCount());
    }

    @Test
    void largeBodiesAndHalfClosedClientsAreRelayed() throws IOException {
        byte[] body = new byte[8 << 20];
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v2/keys/big HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            s.shutdownOutput();
            assertEquals("PUT /v2/keys/big " + body.length, readResponse(s.getInputStream()));
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void manyConnectionsOfBothKindsAtOnce() throws Exception {
        List<CompletableFuture<String>> http = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String path = "/p" + i;
            http.add(CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    // Split across writes: the decision may need more than one read.
                    s.getOutputStream().write("G".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    s.getOutputStream().write(("ET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    return readResponse(s.getInputStream());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(i % 7, KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFrom(new byte[i % 7])).build()).getCount());
        }
        for (int i = 0; i < 50; i++) {
            assertEquals("GET /p" + i + " 0", http.get(i).get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPrefixOfThePrefaceIsNotEnoughToDecide() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            // "PRI * HTTP/1.1" shares the first bytes of the HTTP/2 preface, then differs.
            s.getOutputStream().write("PRI * HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(s.getInputStream()).startsWith("PRI * "));
        }
    }
}
