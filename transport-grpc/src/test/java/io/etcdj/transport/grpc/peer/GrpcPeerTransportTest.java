package io.etcdj.transport.grpc.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.testkit.peer.RecordingPeerHandler;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the gRPC peer transport does beyond the shared contract: its wire protocol's refusals and limits. */
class GrpcPeerTransportTest {
    private static final long CLUSTER = 0xc1;
    private static final long WAIT = RecordingPeerHandler.WAIT_SECONDS;

    private final List<PeerTransport> open = new ArrayList<>();

    /** A started transport for member {@code id} on {@code port}, with its handler. */
    private record Member(long id, int port, PeerTransport transport, RecordingPeerHandler handler) {
        URI url() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    private Member start(long id) throws IOException {
        RecordingPeerHandler handler = new RecordingPeerHandler();
        int port = freePort();
        PeerTransport t = new GrpcPeerTransportProvider().create(
                new PeerTransportConfig(id, CLUSTER, List.of(URI.create("http://127.0.0.1:" + port)), handler));
        open.add(t);
        t.start();
        return new Member(id, port, t, handler);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Message app(long from, long to, long index) {
        return Message.newBuilder().setType(MessageType.MsgApp).setFrom(from).setTo(to).setIndex(index).build();
    }

    private static Message snap(long from, long to) {
        return Message.newBuilder().setType(MessageType.MsgSnap).setFrom(from).setTo(to)
                .setSnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(42).setTerm(3)))
                .build();
    }

    @AfterEach
    void closeAll() {
        open.forEach(PeerTransport::close);
    }

    @Test
    void providerIsNamedGrpc() {
        assertEquals("grpc", new GrpcPeerTransportProvider().name());
    }

    @Test
    void unreachableReportsAreRateLimitedPerMember() throws Exception {
        Member a = start(1);
        a.transport().send(app(1, 77, 1));
        assertEquals(1, a.handler().unreachableCount(77), "an unknown member is reported at once");
        for (int i = 0; i < 1000; i++) {
            a.transport().send(app(1, 77, i));
        }
        assertTrue(a.handler().unreachableCount(77) < 1000, "unreachable reports are not rate-limited");
    }

    @Test
    void msgSnapOnTheMessagePathIsDroppedAndReported() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        a.transport().send(snap(1, 2).toBuilder()
                .setSnapshot(snap(1, 2).getSnapshot().toBuilder().setData(ByteString.copyFromUtf8("data"))).build());
        assertEquals(1, a.handler().unreachableCount(2));
        a.transport().send(app(1, 2, 1));
        assertEquals(MessageType.MsgApp, b.handler().take(1).get(0).getType());
    }

    @Test
    void messageOverTheLimitIsDroppedAndReported() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        Message huge = app(1, 2, 1).toBuilder()
                .setContext(ByteString.copyFrom(new byte[PeerStreamProtocol.MAX_MESSAGE_BYTES])).build();
        a.transport().send(huge);
        assertEquals(1, a.handler().unreachableCount(2));
    }

    @Test
    void streamOfAnotherClusterIsRefusedWithFailedPrecondition() throws Exception {
        Member b = start(2);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> rawStream(b, headers(0xbad, 1), List.of(app(1, 2, 2))));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("cluster ID mismatch"), refused.getMessage());
        assertTrue(b.handler().received.isEmpty(), "a refused stream delivered messages");
    }

    @Test
    void streamWithoutIdentityHeadersIsRefused() throws Exception {
        Member b = start(2);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> rawStream(b, new Metadata(), List.of(app(1, 2, 1))));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(b.handler().received.isEmpty());
    }

    @Test
    void removedMemberIsRefusedWithEtcdsText() throws Exception {
        Member b = start(2);
        b.handler().removedMembers.add(1L);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> rawStream(b, headers(CLUSTER, 1), List.of(app(1, 2, 1))));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        assertEquals("the member has been permanently removed from the cluster", refused.getStatus().getDescription());
        assertTrue(b.handler().received.isEmpty());
    }

    @Test
    void messagesForAnotherMemberAndMsgSnapOnTheStreamAreDropped() throws Exception {
        Member b = start(2);
        rawStream(b, headers(CLUSTER, 1), List.of(app(1, 999, 1), snap(1, 2), app(1, 2, 2)));
        Message got = b.handler().take(1).get(0);
        assertEquals(2, got.getIndex());
        assertTrue(b.handler().received.isEmpty());
    }

    @Test
    void snapshotCallWithoutSizeIsRefused() throws Exception {
        Member b = start(2);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> rawSnapshot(b, headers(CLUSTER, 1), List.of(snap(1, 2).toByteString())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals(0, b.handler().snapshotCalls());
    }

    @Test
    void snapshotCallWhoseFirstMessageIsNotAMsgSnapForThisMemberIsRefused() throws Exception {
        Member b = start(2);
        for (Message wrong : List.of(app(1, 2, 1), snap(1, 3))) {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> rawSnapshot(b, snapshotHeaders(0), List.of(wrong.toByteString())));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        }
        assertEquals(0, b.handler().snapshotCalls());
    }

    @Test
    void snapshotDataShorterOrLongerThanAnnouncedFailsTheHandlersRead() throws Exception {
        Member b = start(2);
        ByteString data = ByteString.copyFrom(new byte[1000]);
        StatusRuntimeException shorter = assertThrows(StatusRuntimeException.class,
                () -> rawSnapshot(b, snapshotHeaders(2000), List.of(snap(1, 2).toByteString(), data)));
        assertEquals(Status.Code.INTERNAL, shorter.getStatus().getCode());
        assertTrue(shorter.getStatus().getDescription().contains("ended after 1000 of 2000 bytes"), shorter.getMessage());

        StatusRuntimeException longer = assertThrows(StatusRuntimeException.class,
                () -> rawSnapshot(b, snapshotHeaders(500), List.of(snap(1, 2).toByteString(), data)));
        assertEquals(Status.Code.INTERNAL, longer.getStatus().getCode());
        assertTrue(b.handler().snapshots.isEmpty(), "a malformed snapshot was taken");
    }

    @Test
    void snapshotSplitIntoChunksArrivesWhole() throws Exception {
        Member b = start(2);
        byte[] bytes = new byte[2500];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        ByteString data = ByteString.copyFrom(bytes);
        rawSnapshot(b, snapshotHeaders(bytes.length),
                List.of(snap(1, 2).toByteString(), data.substring(0, 1000), ByteString.EMPTY, data.substring(1000)));
        RecordingPeerHandler.ReceivedSnapshot got = b.handler().takeSnapshot();
        assertEquals(bytes.length, got.bytesRead());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        assertEquals(crc.getValue(), got.checksum());
    }

    @Test
    void httpsListenUrlIsRefusedUntilTlsExists() {
        PeerTransport t = new GrpcPeerTransportProvider().create(new PeerTransportConfig(
                1, CLUSTER, List.of(URI.create("https://127.0.0.1:" + 2380)), new RecordingPeerHandler()));
        open.add(t);
        IOException e = assertThrows(IOException.class, t::start);
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    private static Metadata headers(long cluster, long sender) {
        return PeerStreamProtocol.senderHeaders(cluster, sender);
    }

    private static Metadata snapshotHeaders(long size) {
        Metadata headers = headers(CLUSTER, 1);
        headers.put(PeerStreamProtocol.SNAPSHOT_SIZE, Long.toString(size));
        return headers;
    }

    /** Sends the messages on one raw stream with the given headers, then half-closes; waits for the end. */
    private static void rawStream(Member to, Metadata headers, List<Message> messages) throws Exception {
        rawCall(to, PeerStreamProtocol.STREAM, headers, messages);
    }

    private static void rawSnapshot(Member to, Metadata headers, List<ByteString> values) throws Exception {
        rawCall(to, PeerStreamProtocol.SNAPSHOT, headers,
                values.stream().map(v -> BytesValue.newBuilder().setValue(v).build()).toList());
    }

    private static <T> void rawCall(Member to, MethodDescriptor<T, Empty> method, Metadata headers, List<T> requests)
            throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", to.port()).usePlaintext().build();
        try {
            CompletableFuture<Empty> done = new CompletableFuture<>();
            var call = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
                    .newCall(method, CallOptions.DEFAULT);
            StreamObserver<T> out = ClientCalls.asyncClientStreamingCall(call, observer(done));
            requests.forEach(out::onNext);
            out.onCompleted();
            try {
                done.get(WAIT, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static StreamObserver<Empty> observer(CompletableFuture<Empty> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Empty value) {
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(Empty.getDefaultInstance());
            }
        };
    }
}
