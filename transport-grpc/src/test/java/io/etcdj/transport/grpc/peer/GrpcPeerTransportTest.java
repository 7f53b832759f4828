package io.etcdj.transport.grpc.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcPeerTransportTest {
    private static final long CLUSTER = 0xc1;

    private final List<PeerTransport> open = new ArrayList<>();

    /** A started transport for member {@code id} on {@code port}, with its handler. */
    private record Member(long id, int port, PeerTransport transport, RecordingHandler handler) {
        URI url() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    private Member start(long id, long cluster, int port) throws IOException {
        RecordingHandler handler = new RecordingHandler();
        PeerTransport t = new GrpcPeerTransportProvider().create(
                new PeerTransportConfig(id, cluster, List.of(URI.create("http://127.0.0.1:" + port)), handler));
        open.add(t);
        t.start();
        return new Member(id, port, t, handler);
    }

    private Member start(long id) throws IOException {
        return start(id, CLUSTER, freePort());
    }

    private static void connectAll(Member... members) {
        for (Member from : members) {
            for (Member to : members) {
                if (from != to) {
                    from.transport().addPeer(to.id(), List.of(to.url()));
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Message app(long from, long to, long index) {
        return Message.newBuilder().setType(MessageType.MsgApp).setFrom(from).setTo(to).setIndex(index).build();
    }

    @AfterEach
    void closeAllAndCheckThreads() {
        open.forEach(PeerTransport::close);
        List<String> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(GrpcPeerTransport.THREAD_PREFIX))
                .toList();
        assertEquals(List.of(), ours, "threads left running after close()");
    }

    @Test
    void providerIsNamedGrpc() {
        assertEquals("grpc", new GrpcPeerTransportProvider().name());
    }

    @Test
    void threeMembersDeliverInOrderPerPair() throws Exception {
        Member a = start(1), b = start(2), c = start(3);
        Member[] all = {a, b, c};
        connectAll(all);
        int perPair = 500;
        for (int i = 1; i <= perPair; i++) {
            for (Member from : all) {
                for (Member to : all) {
                    if (from != to) {
                        from.transport().send(app(from.id(), to.id(), i));
                    }
                }
            }
        }
        for (Member to : all) {
            List<Message> got = to.handler().take(2 * perPair);
            Map<Long, Long> lastIndexFrom = new HashMap<>();
            for (Message m : got) {
                assertEquals(to.id(), m.getTo());
                long previous = lastIndexFrom.getOrDefault(m.getFrom(), 0L);
                assertEquals(previous + 1, m.getIndex(), "order from member " + m.getFrom() + " to " + to.id());
                lastIndexFrom.put(m.getFrom(), m.getIndex());
            }
            assertEquals(2, lastIndexFrom.size());
            assertTrue(lastIndexFrom.values().stream().allMatch(v -> v == perPair));
        }
    }

    @Test
    void bigSnapshotAndManySmallMessagesAllArrive() throws Exception {
        Member a = start(1), b = start(2), c = start(3);
        connectAll(a, b, c);
        byte[] data = new byte[20 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Message snap = Message.newBuilder().setType(MessageType.MsgSnap).setFrom(1).setTo(2)
                .setSnapshot(Snapshot.newBuilder().setData(ByteString.copyFrom(data))
                        .setMetadata(SnapshotMetadata.newBuilder().setIndex(42).setTerm(3)))
                .build();
        a.transport().send(snap);
        int small = 1000;
        for (int i = 1; i <= small; i++) {
            a.transport().send(app(1, 2, i));
            a.transport().send(app(1, 3, i));
        }
        List<Message> atC = c.handler().take(small);
        for (int i = 0; i < small; i++) {
            assertEquals(i + 1, atC.get(i).getIndex());
        }
        List<Message> atB = b.handler().take(small + 1);
        List<Message> snaps = atB.stream().filter(m -> m.getType() == MessageType.MsgSnap).toList();
        assertEquals(1, snaps.size());
        assertEquals(snap, snaps.get(0));
        List<Message> apps = atB.stream().filter(m -> m.getType() == MessageType.MsgApp).toList();
        for (int i = 0; i < small; i++) {
            assertEquals(i + 1, apps.get(i).getIndex());
        }
        assertEquals(0, a.handler().unreachableCount(2));
        assertEquals(0, a.handler().unreachableCount(3));
    }

    @Test
    void deadPeerIsReportedUnreachableAndSendsNeverBlock() throws Exception {
        Member a = start(1);
        long dead = 9;
        a.transport().addPeer(dead, List.of(URI.create("http://127.0.0.1:" + freePort())));
        int sends = 5000;
        for (int i = 0; i < sends; i++) {
            a.transport().send(app(1, dead, i));
        }
        // Getting here is the point: every send returned although nothing listens.
        assertTrue(a.handler().awaitUnreachable(dead, 0), "dead peer never reported unreachable");
        assertTrue(a.handler().unreachableCount(dead) < sends, "unreachable reports are not rate-limited");
    }

    @Test
    void messagesToUnknownMembersAreReportedUnreachableAtOnce() throws Exception {
        Member a = start(1);
        a.transport().send(app(1, 77, 1));
        assertEquals(1, a.handler().unreachableCount(77));
        for (int i = 0; i < 1000; i++) {
            a.transport().send(app(1, 77, i));
        }
        assertTrue(a.handler().unreachableCount(77) < 1000, "unreachable reports are not rate-limited");
    }

    @Test
    void removedPeerIsNoLongerSentTo() throws Exception {
        Member a = start(1), b = start(2);
        connectAll(a, b);
        a.transport().send(app(1, 2, 1));
        assertEquals(1, b.handler().take(1).get(0).getIndex());
        a.transport().removePeer(2);
        int before = a.handler().unreachableCount(2);
        a.transport().send(app(1, 2, 2));
        assertTrue(a.handler().awaitUnreachable(2, before));
        assertNullWithin(b, 200);
    }

    @Test
    void senderFailsOverToTheNextUrl() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(URI.create("http://127.0.0.1:" + freePort()), b.url()));
        Message first = sendUntilReceived(a, b);
        assertEquals(2, first.getTo());
    }

    @Test
    void senderReconnectsAfterPeerRestart() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        sendUntilReceived(a, b);
        int before = a.handler().unreachableCount(2);
        b.transport().close();
        assertTrue(a.handler().awaitUnreachable(2, before), "restarting peer never reported unreachable");

        Member b2 = start(2, CLUSTER, b.port());
        Message first = sendUntilReceived(a, b2);
        for (long i = first.getIndex() + 1; i <= first.getIndex() + 100; i++) {
            a.transport().send(app(1, 2, i));
        }
        List<Message> later = b2.handler().take(100);
        for (int i = 0; i < 100; i++) {
            assertEquals(first.getIndex() + 1 + i, later.get(i).getIndex());
        }
    }

    /** Sends numbered messages (pausing between) until one arrives; returns the first that did. */
    private static Message sendUntilReceived(Member from, Member to) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingHandler.WAIT_SECONDS);
        for (long i = 1; System.nanoTime() < deadline; i++) {
            from.transport().send(app(from.id(), to.id(), i));
            Message m = to.handler().received.poll(50, TimeUnit.MILLISECONDS);
            if (m != null) {
                return m;
            }
        }
        throw new AssertionError("nothing from member " + from.id() + " reached member " + to.id());
    }

    @Test
    void peerOfAnotherClusterIsRefused() throws Exception {
        Member a = start(1, CLUSTER, freePort());
        Member stranger = start(2, 0xbad, freePort());
        a.transport().addPeer(2, List.of(stranger.url()));
        a.transport().send(app(1, 2, 1));
        assertTrue(a.handler().awaitUnreachable(2, 0), "refused stream not reported unreachable");

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> rawStream(stranger, CLUSTER, 1, List.of(app(1, 2, 2))));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("cluster ID mismatch"), refused.getMessage());
        assertTrue(stranger.handler().received.isEmpty(), "a refused stream delivered messages");
    }

    @Test
    void streamWithoutIdentityHeadersIsRefused() throws Exception {
        Member b = start(2);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
        try {
            CompletableFuture<Empty> done = new CompletableFuture<>();
            StreamObserver<Message> out = ClientCalls.asyncClientStreamingCall(
                    channel.newCall(PeerStreamProtocol.STREAM, io.grpc.CallOptions.DEFAULT), observer(done));
            out.onNext(app(1, 2, 1));
            out.onCompleted();
            ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(RecordingHandler.WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(Status.Code.FAILED_PRECONDITION, Status.fromThrowable(e.getCause()).getCode());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertTrue(b.handler().received.isEmpty());
    }

    @Test
    void messagesForAnotherMemberAreDropped() throws Exception {
        Member b = start(2);
        rawStream(b, CLUSTER, 1, List.of(app(1, 999, 1), app(1, 2, 2)));
        Message got = b.handler().take(1).get(0);
        assertEquals(2, got.getIndex());
        assertTrue(b.handler().received.isEmpty());
    }

    @Test
    void httpsListenUrlIsRefusedUntilTlsExists() {
        PeerTransport t = new GrpcPeerTransportProvider().create(new PeerTransportConfig(
                1, CLUSTER, List.of(URI.create("https://127.0.0.1:" + 2380)), new RecordingHandler()));
        open.add(t);
        IOException e = assertThrows(IOException.class, t::start);
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    @Test
    void createDoesNotBindAndPeersAddedBeforeStartAreServed() throws Exception {
        int port = freePort();
        RecordingHandler handler = new RecordingHandler();
        PeerTransport a = new GrpcPeerTransportProvider().create(
                new PeerTransportConfig(1, CLUSTER, List.of(URI.create("http://127.0.0.1:" + port)), handler));
        open.add(a);
        try (ServerSocket s = new ServerSocket(port)) {
            assertEquals(port, s.getLocalPort()); // create() left the port free
        }
        Member b = start(2);
        a.addPeer(2, List.of(b.url()));
        a.send(app(1, 2, 1));
        assertEquals(1, handler.unreachableCount(2), "send before start must drop and report");
        a.start();
        Member aView = new Member(1, port, a, handler);
        assertNotNull(sendUntilReceived(aView, b));
    }

    @Test
    void closeIsIdempotentAndLaterSendsAreDropped() throws Exception {
        Member a = start(1), b = start(2);
        connectAll(a, b);
        sendUntilReceived(a, b);
        a.transport().close();
        a.transport().close();
        int before = a.handler().unreachableCount(2);
        a.transport().send(app(1, 2, 1));
        assertTrue(a.handler().awaitUnreachable(2, before));
        assertFalse(b.handler().received.poll(200, TimeUnit.MILLISECONDS) != null, "delivered after close");
    }

    private static void assertNullWithin(Member m, long millis) throws InterruptedException {
        Message unexpected = m.handler().received.poll(millis, TimeUnit.MILLISECONDS);
        assertEquals(null, unexpected, "unexpected delivery");
    }

    /** Sends the messages on one raw stream to {@code to} with the given identity, then half-closes; waits for the end. */
    private static void rawStream(Member to, long cluster, long sender, List<Message> messages) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", to.port()).usePlaintext().build();
        try {
            CompletableFuture<Empty> done = new CompletableFuture<>();
            var call = io.grpc.ClientInterceptors.intercept(channel,
                    io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(PeerStreamProtocol.senderHeaders(cluster, sender)))
                    .newCall(PeerStreamProtocol.STREAM, io.grpc.CallOptions.DEFAULT);
            StreamObserver<Message> out = ClientCalls.asyncClientStreamingCall(call, observer(done));
            messages.forEach(out::onNext);
            out.onCompleted();
            try {
                done.get(RecordingHandler.WAIT_SECONDS, TimeUnit.SECONDS);
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
                done.complete(value);
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
