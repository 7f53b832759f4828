package io.etcdj.transport.http.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnsafeByteOperations;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.PeerTransportProvider;
import io.etcdj.testkit.peer.RecordingPeerHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the HTTP peer transport does beyond the shared contract: its wire protocol, as etcd's rafthttp. */
class HttpPeerTransportTest {
    private static final long CLUSTER = 0xcdf818194e3a8c32L;
    private static final long LOCAL = 2;

    private final List<PeerTransport> open = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final RecordingPeerHandler handler = new RecordingPeerHandler();
    private int port;

    @AfterEach
    void closeAll() {
        open.forEach(PeerTransport::close);
        client.close();
    }

    private void startReceiver() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PeerTransport t = new HttpPeerTransportProvider().create(
                new PeerTransportConfig(LOCAL, CLUSTER, List.of(URI.create("http://127.0.0.1:" + port)), handler));
        open.add(t);
        t.start();
    }

    private HttpRequest.Builder request(String path, long cluster, long from, long to) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(RecordingPeerHandler.WAIT_SECONDS))
                .header("X-Etcd-Cluster-ID", Long.toHexString(cluster))
                .header("X-Server-From", Long.toHexString(from))
                .header("X-Raft-To", Long.toHexString(to));
    }

    private HttpResponse<String> post(HttpRequest.Builder request, byte[] body) throws Exception {
        return client.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] frames(Message... messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : messages) {
            out.write(PeerHttpProtocol.frame(m));
        }
        return out.toByteArray();
    }

    private static Message app(long from, long to, long index) {
        return Message.newBuilder().setType(MessageType.MsgApp).setFrom(from).setTo(to).setIndex(index).build();
    }

    private static Message snap(long from, long to) {
        return Message.newBuilder().setType(MessageType.MsgSnap).setFrom(from).setTo(to)
                .setSnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(42).setTerm(3)))
                .build();
    }

    @Test
    void providerIsNamedHttpAndRegisteredForDiscovery() {
        HttpPeerTransportTest.class.getModule().addUses(PeerTransportProvider.class);
        List<String> names = ServiceLoader.load(PeerTransportProvider.class).stream()
                .map(p -> p.get().name()).toList();
        assertEquals(List.of("http"), names);
    }

    @Test
    void frameIsEtcdsEncodingABigEndianLengthThenTheMessage() throws IOException {
        Message m = app(1, 2, 3);
        byte[] frame = PeerHttpProtocol.frame(m);
        assertEquals(8 + m.getSerializedSize(), frame.length);
        assertEquals(m.getSerializedSize(), ByteBuffer.wrap(frame).getLong());
        PeerHttpProtocol.Frame read = PeerHttpProtocol.readFrame(new java.io.ByteArrayInputStream(frame));
        assertEquals(m, read.message());
        assertEquals(frame.length, read.wireBytes());
    }

    @Test
    void frameOverTheLimitOrCutShortIsRefused() {
        byte[] huge = ByteBuffer.allocate(8).putLong(PeerHttpProtocol.MAX_MESSAGE_BYTES + 1L).array();
        assertThrows(IOException.class, () -> PeerHttpProtocol.readFrame(new java.io.ByteArrayInputStream(huge)));
        byte[] cut = java.util.Arrays.copyOf(PeerHttpProtocol.frame(app(1, 2, 3)), 10);
        assertThrows(IOException.class, () -> PeerHttpProtocol.readFrame(new java.io.ByteArrayInputStream(cut)));
    }

    @Test
    void batchIsDeliveredInOrderAndAnsweredNoContent() throws Exception {
        startReceiver();
        HttpResponse<String> response = post(request("/raft/messages", CLUSTER, 1, LOCAL),
                frames(app(1, LOCAL, 1), app(1, 99, 2), snap(1, LOCAL), app(1, LOCAL, 3)));
        assertEquals(204, response.statusCode());
        assertEquals(Long.toHexString(CLUSTER), response.headers().firstValue("X-Etcd-Cluster-ID").orElse(null));
        // The message for member 99 and the MsgSnap (which has a path of its own) are dropped.
        assertEquals(List.of(1L, 3L), handler.take(2).stream().map(Message::getIndex).toList());
        assertTrue(handler.received.isEmpty());
    }

    @Test
    void otherClusterIsRefusedWithPreconditionFailed() throws Exception {
        startReceiver();
        HttpResponse<String> response = post(request("/raft/messages", 0xbad, 1, LOCAL), frames(app(1, LOCAL, 1)));
        assertEquals(412, response.statusCode());
        assertEquals("cluster ID mismatch\n", response.body());
        HttpResponse<String> noHeader = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/raft/messages"))
                .header("X-Server-From", "1").header("X-Raft-To", "2")
                .POST(HttpRequest.BodyPublishers.ofByteArray(frames(app(1, LOCAL, 1)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(412, noHeader.statusCode());
        assertTrue(handler.received.isEmpty());
    }

    @Test
    void requestForAnotherMemberIsRefusedWithToFieldMismatch() throws Exception {
        startReceiver();
        HttpResponse<String> response = post(request("/raft/messages", CLUSTER, 1, 3), frames(app(1, 3, 1)));
        assertEquals(412, response.statusCode());
        assertEquals("to field mismatch\n", response.body());
    }

    @Test
    void removedMemberIsRefusedWithGone() throws Exception {
        startReceiver();
        handler.removedMembers.add(1L);
        HttpResponse<String> response = post(request("/raft/messages", CLUSTER, 1, LOCAL), frames(app(1, LOCAL, 1)));
        assertEquals(410, response.statusCode());
        assertEquals("the member has been permanently removed from the cluster\n", response.body());
        HttpResponse<String> snapshot = post(request("/raft/snapshot", CLUSTER, 1, LOCAL), frames(snap(1, LOCAL)));
        assertEquals(410, snapshot.statusCode());
        assertTrue(handler.received.isEmpty());
        assertEquals(0, handler.snapshotCalls());
    }

    @Test
    void requestWithoutSenderIsABadRequest() throws Exception {
        startReceiver();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/raft/messages"))
                .header("X-Etcd-Cluster-ID", Long.toHexString(CLUSTER)).header("X-Raft-To", "2")
                .POST(HttpRequest.BodyPublishers.ofByteArray(frames(app(1, LOCAL, 1)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
    }

    @Test
    void onlyPostIsAllowedAndUnknownPathsAreNotFound() throws Exception {
        startReceiver();
        HttpResponse<String> get = client.send(request("/raft/messages", CLUSTER, 1, LOCAL).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
        assertEquals(404, post(request("/raft/messagesx", CLUSTER, 1, LOCAL), frames()).statusCode());
        assertEquals(404, post(request("/raft/stream/1", CLUSTER, 1, LOCAL), frames()).statusCode());
    }

    @Test
    void malformedFrameIsABadRequestAfterTheMessagesBeforeIt() throws Exception {
        startReceiver();
        byte[] good = frames(app(1, LOCAL, 1));
        byte[] body = java.util.Arrays.copyOf(good, good.length + 5);
        HttpResponse<String> response = post(request("/raft/messages", CLUSTER, 1, LOCAL), body);
        assertEquals(400, response.statusCode());
        assertEquals(1, handler.take(1).get(0).getIndex());
    }

    @Test
    void snapshotIsTheFrameThenTheDataUpToContentLength() throws Exception {
        startReceiver();
        byte[] data = "snapshot-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(frames(snap(1, LOCAL)));
        body.write(data);
        HttpResponse<String> response = post(request("/raft/snapshot", CLUSTER, 1, LOCAL), body.toByteArray());
        assertEquals(204, response.statusCode());
        RecordingPeerHandler.ReceivedSnapshot got = handler.takeSnapshot();
        assertEquals(snap(1, LOCAL), got.message());
        assertEquals(data.length, got.size());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        assertEquals(crc.getValue(), got.checksum());
    }

    @Test
    void snapshotPathTakesOnlyAMsgSnapForThisMember() throws Exception {
        startReceiver();
        for (Message wrong : List.of(app(1, LOCAL, 1), snap(1, 3))) {
            HttpResponse<String> response = post(request("/raft/snapshot", CLUSTER, 1, LOCAL), frames(wrong));
            assertEquals(400, response.statusCode());
            assertEquals("wrong raft message type\n", response.body());
        }
        assertEquals(400, post(request("/raft/snapshot", CLUSTER, 1, LOCAL), new byte[0]).statusCode());
        assertEquals(0, handler.snapshotCalls());
    }

    @Test
    void snapshotWithoutContentLengthIsRefused() throws Exception {
        startReceiver();
        // A body of unknown length goes chunked, without Content-Length.
        HttpResponse<String> response = client.send(request("/raft/snapshot", CLUSTER, 1, LOCAL)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        PeerHttpProtocol.frame(snap(1, LOCAL))))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(411, response.statusCode());
        assertEquals(0, handler.snapshotCalls());
    }

    @Test
    void failingSnapshotHandlerIsAnsweredWithEtcdsText() throws Exception {
        startReceiver();
        handler.readSnapshotsWith((message, data, size) -> {
            throw new IOException("no space left on device");
        });
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(frames(snap(1, LOCAL)));
        body.write(new byte[100]);
        HttpResponse<String> response = post(request("/raft/snapshot", CLUSTER, 1, LOCAL), body.toByteArray());
        assertEquals(500, response.statusCode());
        assertEquals("failed to save KV snapshot (no space left on device)\n", response.body());
    }

    @Test
    void msgSnapOnTheMessagePathAndOversizedMessagesAreDroppedAndReported() throws Exception {
        startReceiver();
        RecordingPeerHandler senderHandler = new RecordingPeerHandler();
        PeerTransport sender = new HttpPeerTransportProvider().create(new PeerTransportConfig(1, CLUSTER,
                List.of(URI.create("http://127.0.0.1:" + freePort())), senderHandler));
        open.add(sender);
        sender.start();
        sender.addPeer(LOCAL, List.of(URI.create("http://127.0.0.1:" + port)));
        sender.send(snap(1, LOCAL));
        assertEquals(1, senderHandler.unreachableCount(LOCAL));
        // Wrapped, not copied: the test runs in a small heap.
        Message huge = app(1, LOCAL, 1).toBuilder()
                .setContext(UnsafeByteOperations.unsafeWrap(new byte[PeerHttpProtocol.MAX_MESSAGE_BYTES])).build();
        sender.send(huge);
        sender.send(app(1, LOCAL, 2));
        assertEquals(2, handler.take(1).get(0).getIndex(), "the message over the limit was sent");
    }

    @Test
    void httpsListenUrlIsRefusedUntilTlsExists() {
        PeerTransport t = new HttpPeerTransportProvider().create(new PeerTransportConfig(
                1, CLUSTER, List.of(URI.create("https://127.0.0.1:2380")), new RecordingPeerHandler()));
        open.add(t);
        IOException e = assertThrows(IOException.class, t::start);
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
