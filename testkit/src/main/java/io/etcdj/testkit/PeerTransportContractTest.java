package io.etcdj.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.PeerTransportProvider;
import io.etcdj.testkit.peer.GeneratedSnapshotPayload;
import io.etcdj.testkit.peer.RecordingPeerHandler;
import io.etcdj.testkit.peer.RecordingPeerHandler.ReceivedSnapshot;
import io.etcdj.testkit.peer.RecordingPeerHandler.SnapshotOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link PeerTransport} (see its javadoc and {@link PeerTransportConfig.Handler}'s),
 * which every peer transport plugin runs against itself by subclassing this suite and implementing
 * {@link #create}. Members talk over loopback ({@code 127.0.0.1}) on free ephemeral ports.
 *
 * <p>Beyond the SPI's javadoc the suite pins down what the server relies on:
 * <ul>
 *   <li>a started, reachable peer gets every message, in the order each sender sent them;</li>
 *   <li>a message that cannot be delivered (unknown member, transport not started or closed,
 *       nothing listening, refused, queue full) is dropped and reported through
 *       {@code unreachable}, and {@code send} returns at once whatever the receiver does;</li>
 *   <li>a member of another cluster is refused both ways; a member that the receiver's
 *       {@code isRemoved} names learns it through {@code removedFromCluster}, whether it connects
 *       after its removal or was connected before;</li>
 *   <li>a sender reconnects to a peer restarted on the same URL, and follows {@code updatePeer};</li>
 *   <li>a snapshot is streamed (a 256 MiB one made up on the fly), its message arrives as sent,
 *       the receiver reads exactly {@code size} bytes, every {@code sendSnapshot} gets exactly one
 *       {@code snapshotStatus} and one {@code release}, and a snapshot in flight does not hold up
 *       messages to the same peer;</li>
 *   <li>{@code call} gets the answer of the peer's {@code serve} (or the failure, with its text),
 *       for concurrent calls too and while another {@code serve} blocks, and fails without
 *       hanging when the peer is unknown, unreachable, of another cluster or refuses a removed
 *       member (which learns it was removed); the provider's {@code call} reaches a running member
 *       knowing nothing of its cluster and fails within its timeout when nothing answers;</li>
 *   <li>{@code create} binds nothing; {@code close} is idempotent, frees the ports and ends every
 *       thread the transport started (checked after every test, see {@link #isSharedThread}).</li>
 * </ul>
 *
 * <p>Every wait is bounded ({@link RecordingPeerHandler#WAIT_SECONDS}); nothing asserts how long
 * anything takes.
 */
public abstract class PeerTransportContractTest {
    /** A cluster ID with the top bit set: IDs are unsigned 64-bit values, as in etcd. */
    protected static final long CLUSTER = 0xcdf818194e3a8c32L;
    private static final long OTHER_CLUSTER = 0x0badc0ffeeL;
    /** A member ID with the top bit set, as etcd's random member IDs often have. */
    private static final long HIGH_ID = 0x8e9e05c52164694dL;
    private static final long WAIT = RecordingPeerHandler.WAIT_SECONDS;
    private static final long BIG_SNAPSHOT_BYTES = 256L * 1024 * 1024;
    private static final int MIB = 1024 * 1024;

    /** A started member: its transport, listening on {@code port}, and its handler. */
    protected record Member(long id, int port, PeerTransport transport, RecordingPeerHandler handler) {
        public URI url() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    private final List<PeerTransport> open = new ArrayList<>();
    private Set<Thread> threadsBefore;

    /** The plugin under test. */
    protected abstract PeerTransportProvider provider();

    /** A new, unstarted transport of the plugin under test. */
    protected PeerTransport create(PeerTransportConfig config) {
        return provider().create(config);
    }

    /**
     * True for a thread that may outlive a closed transport by design because it is shared
     * JVM-wide (a library's shared pool or its reaper); every other thread that appeared during a
     * test must have ended after {@code close()}. By default: the common pool, and the JDK's
     * machinery for virtual threads (their carriers, pollers and timers), which starts with the
     * first virtual thread and stays, and the one behind {@code CompletableFuture}'s timeouts.
     * Override to add a library's shared threads.
     */
    protected boolean isSharedThread(Thread thread) {
        String name = thread.getName();
        return name.startsWith("ForkJoinPool.commonPool-worker-")
                || thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")
                || JDK_VIRTUAL_THREAD_SUPPORT.contains(name)
                || name.matches("ForkJoinPool-\\d+-delayScheduler");
    }

    private static final Set<String> JDK_VIRTUAL_THREAD_SUPPORT =
            Set.of("VirtualThread-unblocker", "MasterPoller", "Read-Poller", "Write-Poller",
                    "CompletableFutureDelayScheduler", "ForkJoinPool.commonPool-delayScheduler");

    @BeforeEach
    void recordThreads() {
        threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    @AfterEach
    void closeAllAndCheckThreads() throws InterruptedException {
        for (PeerTransport t : open) {
            t.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        List<Thread> left = leftoverThreads();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            left.get(0).join(200);
            left = leftoverThreads();
        }
        assertEquals(List.of(), left.stream().map(Thread::getName).toList(), "threads left running after close()");
    }

    private List<Thread> leftoverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !threadsBefore.contains(t))
                .filter(t -> !isSharedThread(t))
                .toList();
    }

    // ---------------------------------------------------------------- messages

    @Test
    void messagesReachTheirMemberInTheOrderEachSenderSentThem() throws Exception {
        Member a = start(1), b = start(2), c = start(HIGH_ID);
        Member[] all = {a, b, c};
        connectAll(all);
        int perPair = 2000;
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
                assertEquals(to.id(), m.getTo(), "delivered to the wrong member");
                long previous = lastIndexFrom.getOrDefault(m.getFrom(), 0L);
                assertEquals(previous + 1, m.getIndex(),
                        "order of messages from " + Long.toHexString(m.getFrom()) + " to " + Long.toHexString(to.id()));
                lastIndexFrom.put(m.getFrom(), m.getIndex());
            }
            assertEquals(2, lastIndexFrom.size(), "senders seen by " + Long.toHexString(to.id()));
        }
    }

    @Test
    void messageContentArrivesIntact() throws Exception {
        Member a = start(1), b = start(2);
        connectAll(a, b);
        Message sent = Message.newBuilder().setType(MessageType.MsgApp).setFrom(1).setTo(2).setTerm(7)
                .setLogTerm(6).setIndex(41).setCommit(40).setContext(ByteString.copyFromUtf8("ctx"))
                .addEntries(Entry.newBuilder().setTerm(7).setIndex(42).setData(ByteString.copyFrom(new byte[3 * MIB])))
                .addEntries(Entry.newBuilder().setTerm(7).setIndex(43))
                .build();
        a.transport().send(sent);
        assertEquals(sent, b.handler().take(1).get(0));
    }

    @Test
    void messageToAnUnknownMemberIsDroppedAndReported() throws Exception {
        Member a = start(1);
        runBounded("sending to an unknown member", () -> {
            for (int i = 0; i < 10_000; i++) {
                a.transport().send(app(1, 77, i));
            }
        });
        assertTrue(a.handler().awaitUnreachable(77, 0), "unknown member never reported unreachable");
    }

    @Test
    void createBindsNothingAndSendBeforeStartIsDroppedAndReported() throws Exception {
        int port = freePort();
        RecordingPeerHandler handler = new RecordingPeerHandler();
        PeerTransport a = create(new PeerTransportConfig(1, CLUSTER, List.of(url(port)), handler));
        open.add(a);
        assertPortFree(port, "create() bound the listen port");
        Member b = start(2);
        a.addPeer(2, List.of(b.url()));
        a.send(app(1, 2, 1));
        assertTrue(handler.awaitUnreachable(2, 0), "a send before start() was not reported unreachable");

        a.start();
        Member aStarted = new Member(1, port, a, handler);
        sendUntilReceived(aStarted, b);
        a.send(app(1, 2, 2));
        // The message sent before start() was dropped, not queued: the first app to arrive is the second.
        assertEquals(2, takeOfType(b, MessageType.MsgApp, 1).get(0).getIndex());
    }

    @Test
    void peerWithNothingListeningIsReportedUnreachableAndSendNeverBlocks() throws Exception {
        Member a = start(1);
        a.transport().addPeer(9, List.of(url(freePort())));
        runBounded("sending to a peer with nothing listening", () -> {
            for (int i = 0; i < 20_000; i++) {
                a.transport().send(app(1, 9, i));
            }
        });
        assertTrue(a.handler().awaitUnreachable(9, 0), "dead peer never reported unreachable");
    }

    @Test
    void peerOfAnotherClusterIsRefusedBothWays() throws Exception {
        Member a = start(1);
        Member stranger = start(2, OTHER_CLUSTER, freePort());
        a.transport().addPeer(2, List.of(stranger.url()));
        stranger.transport().addPeer(1, List.of(a.url()));

        a.transport().send(app(1, 2, 1));
        stranger.transport().send(app(2, 1, 1));
        assertTrue(a.handler().awaitUnreachable(2, 0), "refused member never reported unreachable");
        assertTrue(stranger.handler().awaitUnreachable(1, 0), "refused member never reported unreachable");

        GeneratedSnapshotPayload payload = new GeneratedSnapshotPayload(MIB, 3);
        a.transport().sendSnapshot(snap(1, 2), payload);
        assertEquals(new SnapshotOutcome(2, false), a.handler().takeSnapshotOutcome());
        assertTrue(payload.awaitReleased(WAIT));

        assertTrue(stranger.handler().received.isEmpty(), "a refused member delivered messages");
        assertTrue(a.handler().received.isEmpty(), "a refused member delivered messages");
        assertEquals(0, stranger.handler().snapshotCalls(), "a refused member delivered a snapshot");
        assertEquals(0, a.handler().removedFromClusterCount(), "a cluster mismatch is not a removal");
    }

    @Test
    void senderReconnectsToAPeerRestartedOnTheSameUrl() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        sendUntilReceived(a, b);
        b.transport().close();
        int before = a.handler().unreachableCount(2);
        runBounded("sending to a stopped peer", () -> {
            for (int i = 1; a.handler().unreachableCount(2) == before && i < 1_000_000; i++) {
                a.transport().send(app(1, 2, i));
                Thread.onSpinWait();
            }
        });
        assertTrue(a.handler().awaitUnreachable(2, before), "stopped peer never reported unreachable");

        Member b2 = start(2, CLUSTER, b.port());
        sendUntilReceived(a, b2);
        for (int i = 1; i <= 100; i++) {
            a.transport().send(app(1, 2, i));
        }
        assertIndicesInOrder(takeOfType(b2, MessageType.MsgApp, 100), 1);
    }

    @Test
    void senderMovesOnToTheNextUrlOfAPeer() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(url(freePort()), b.url()));
        sendUntilReceived(a, b);
        GeneratedSnapshotPayload payload = new GeneratedSnapshotPayload(MIB, 6);
        a.transport().sendSnapshot(snap(1, 2), payload);
        assertEquals(new SnapshotOutcome(2, true), a.handler().takeSnapshotOutcome());
    }

    @Test
    void updatePeerMovesTrafficToTheNewUrl() throws Exception {
        Member a = start(1), oldB = start(2);
        a.transport().addPeer(2, List.of(oldB.url()));
        sendUntilReceived(a, oldB);
        Member newB = start(2);
        a.transport().updatePeer(2, List.of(newB.url()));
        sendUntilReceived(a, newB);
        for (int i = 1; i <= 100; i++) {
            a.transport().send(app(1, 2, i));
        }
        assertIndicesInOrder(takeOfType(newB, MessageType.MsgApp, 100), 1);
    }

    @Test
    void removedPeerIsNoLongerSentTo() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        sendUntilReceived(a, b);
        a.transport().removePeer(2);
        int before = a.handler().unreachableCount(2);
        long dropped = 999_999;
        a.transport().send(app(1, 2, dropped));
        assertTrue(a.handler().awaitUnreachable(2, before), "send to a removed peer not reported unreachable");

        a.transport().addPeer(2, List.of(b.url()));
        sendUntilReceived(a, b);
        a.transport().send(app(1, 2, 1));
        // Had the message to the removed peer been kept, it would come before this one.
        assertNotEquals(dropped, takeOfType(b, MessageType.MsgApp, 1).get(0).getIndex());
    }

    @Test
    void slowReceiverNeverBlocksSendAndDropsAreReported() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        sendUntilReceived(a, b);
        b.handler().holdReceives();
        // One shared 64 KiB buffer: the messages are big on the wire but not in the test's memory.
        ByteString data = ByteString.copyFrom(new byte[64 * 1024]);
        int sent = 20_000;
        try {
            runBounded("sending to a receiver that does not take messages", () -> {
                for (int i = 1; i <= sent; i++) {
                    a.transport().send(app(1, 2, i).toBuilder()
                            .addEntries(Entry.newBuilder().setIndex(i).setData(data)).build());
                }
            });
        } finally {
            // Released at once: drops must come from a bounded queue, not from a timeout of the held receiver.
            b.handler().releaseReceives();
        }
        assertTrue(a.handler().awaitUnreachable(2, 0), "messages dropped for a full queue were not reported");
        // Until a heartbeat gets through, count the messages that did arrive (the queued backlog).
        List<Long> delivered = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        boolean through = false;
        for (long i = 1; !through && System.nanoTime() < deadline; i++) {
            a.transport().send(Message.newBuilder().setType(MessageType.MsgHeartbeat).setFrom(1).setTo(2).setCommit(i).build());
            for (Message m; !through && (m = b.handler().received.poll(50, TimeUnit.MILLISECONDS)) != null; ) {
                if (m.getType() == MessageType.MsgApp) {
                    delivered.add(m.getIndex());
                } else {
                    through = true;
                }
            }
        }
        assertTrue(through, "the peer stayed unreachable after the receiver caught up");
        assertTrue(delivered.size() < sent, "nothing was dropped: the queue is not bounded");
        for (int i = 1; i < delivered.size(); i++) {
            assertTrue(delivered.get(i) > delivered.get(i - 1), "reordered after a full queue: " + delivered.get(i));
        }
    }

    // ---------------------------------------------------------------- removed members

    @Test
    void memberRemovedBeforeItConnectsLearnsItWasRemoved() throws Exception {
        Member a = start(1), b = start(2);
        b.handler().removedMembers.add(1L);
        a.transport().addPeer(2, List.of(b.url()));
        a.transport().send(app(1, 2, 1));
        assertTrue(a.handler().awaitRemovedFromCluster(), "removed member was not told");
        assertTrue(b.handler().received.isEmpty(), "a removed member's message was delivered");
    }

    @Test
    void memberRemovedWhileConnectedLearnsItWasRemoved() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        sendUntilReceived(a, b);
        b.handler().removedMembers.add(1L);
        runBounded("sending until the removal is noticed", () -> {
            for (int i = 1; a.handler().removedFromClusterCount() == 0 && i < 1_000_000; i++) {
                a.transport().send(app(1, 2, i));
                Thread.onSpinWait();
            }
        });
        assertTrue(a.handler().awaitRemovedFromCluster(), "removed member was not told");
    }

    @Test
    void snapshotFromARemovedMemberIsRefused() throws Exception {
        Member a = start(1), b = start(2);
        b.handler().removedMembers.add(1L);
        a.transport().addPeer(2, List.of(b.url()));
        GeneratedSnapshotPayload payload = new GeneratedSnapshotPayload(MIB, 5);
        a.transport().sendSnapshot(snap(1, 2), payload);
        assertEquals(new SnapshotOutcome(2, false), a.handler().takeSnapshotOutcome());
        assertTrue(a.handler().awaitRemovedFromCluster(), "removed member was not told");
        assertEquals(0, b.handler().snapshotCalls(), "a removed member's snapshot was delivered");
        assertTrue(payload.awaitReleased(WAIT));
    }

    // ---------------------------------------------------------------- snapshots

    @Test
    void largeSnapshotIsStreamedAndReleasedOnce() throws Exception {
        Member a = start(1), b = start(HIGH_ID);
        connectAll(a, b);
        GeneratedSnapshotPayload payload = new GeneratedSnapshotPayload(BIG_SNAPSHOT_BYTES, 42);
        long expected = payload.expectedChecksum();
        Message sent = snap(1, HIGH_ID);
        a.transport().sendSnapshot(sent, payload);

        assertEquals(new SnapshotOutcome(HIGH_ID, true), a.handler().takeSnapshotOutcome());
        ReceivedSnapshot got = b.handler().takeSnapshot();
        assertEquals(sent, got.message());
        assertEquals(BIG_SNAPSHOT_BYTES, got.size());
        assertEquals(BIG_SNAPSHOT_BYTES, got.bytesRead(), "the data stream did not end after size bytes");
        assertEquals(expected, got.checksum(), "snapshot data corrupted");
        assertTrue(payload.awaitReleased(WAIT), "payload not released");
        a.transport().close();
        assertEquals(1, payload.releases(), "payload released more than once");
        assertEquals(1, b.handler().snapshotCalls());
        assertTrue(a.handler().snapshotOutcomes.isEmpty(), "more than one outcome for one snapshot");
    }

    @Test
    void emptySnapshotIsDelivered() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        GeneratedSnapshotPayload payload = new GeneratedSnapshotPayload(0, 1);
        a.transport().sendSnapshot(snap(1, 2), payload);
        assertEquals(new SnapshotOutcome(2, true), a.handler().takeSnapshotOutcome());
        ReceivedSnapshot got = b.handler().takeSnapshot();
        assertEquals(0, got.size());
        assertEquals(0, got.bytesRead());
        assertTrue(payload.awaitReleased(WAIT));
    }

    @Test
    void receiverThatFailsASnapshotGivesFalseAndTheNextOneStillWorks() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        b.handler().readSnapshotsWith((message, data, size) -> {
            data.readNBytes(MIB);
            throw new IOException("disk full (test)");
        });
        GeneratedSnapshotPayload failing = new GeneratedSnapshotPayload(16L * MIB, 7);
        a.transport().sendSnapshot(snap(1, 2), failing);
        assertEquals(new SnapshotOutcome(2, false), a.handler().takeSnapshotOutcome());
        assertTrue(failing.awaitReleased(WAIT), "payload of a failed snapshot not released");

        b.handler().readSnapshotsWith((message, data, size) -> {
            throw new IOException("refused at once (test)");
        });
        GeneratedSnapshotPayload refused = new GeneratedSnapshotPayload(16L * MIB, 8);
        a.transport().sendSnapshot(snap(1, 2), refused);
        assertEquals(new SnapshotOutcome(2, false), a.handler().takeSnapshotOutcome());
        assertTrue(refused.awaitReleased(WAIT));

        b.handler().readSnapshotsWith(b.handler()::readAll);
        GeneratedSnapshotPayload good = new GeneratedSnapshotPayload(3L * MIB + 17, 9);
        a.transport().sendSnapshot(snap(1, 2), good);
        assertEquals(new SnapshotOutcome(2, true), a.handler().takeSnapshotOutcome());
        assertEquals(good.expectedChecksum(), b.handler().takeSnapshot().checksum());

        a.transport().close();
        assertEquals(List.of(1, 1, 1), List.of(failing.releases(), refused.releases(), good.releases()));
        assertTrue(a.handler().snapshotOutcomes.isEmpty(), "more than one outcome for one snapshot");
    }

    @Test
    void snapshotToAnUnknownOrUnreachableMemberFailsAndIsReleased() throws Exception {
        Member a = start(1);
        GeneratedSnapshotPayload unknown = new GeneratedSnapshotPayload(MIB, 1);
        runBounded("sendSnapshot to an unknown member", () -> a.transport().sendSnapshot(snap(1, 77), unknown));
        assertEquals(new SnapshotOutcome(77, false), a.handler().takeSnapshotOutcome());
        assertTrue(unknown.awaitReleased(WAIT));

        a.transport().addPeer(9, List.of(url(freePort())));
        GeneratedSnapshotPayload dead = new GeneratedSnapshotPayload(MIB, 2);
        runBounded("sendSnapshot to a dead member", () -> a.transport().sendSnapshot(snap(1, 9), dead));
        assertEquals(new SnapshotOutcome(9, false), a.handler().takeSnapshotOutcome());
        assertTrue(dead.awaitReleased(WAIT));
        a.transport().close();
        assertEquals(1, unknown.releases());
        assertEquals(1, dead.releases());
    }

    @Test
    void snapshotInFlightDoesNotHoldUpMessages() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        b.handler().readSnapshotsWith((message, data, size) -> {
            byte[] start = data.readNBytes(MIB);
            reading.countDown();
            try {
                if (!finish.await(WAIT, TimeUnit.SECONDS)) {
                    throw new IOException("test never let the snapshot finish");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            b.handler().readAll(message, new SequenceInputStream(new ByteArrayInputStream(start), data), size);
        });
        GeneratedSnapshotPayload payload = new GeneratedSnapshotPayload(32L * MIB, 11);
        try {
            a.transport().sendSnapshot(snap(1, 2), payload);
            assertTrue(reading.await(WAIT, TimeUnit.SECONDS), "snapshot never reached the receiver");
            for (int i = 1; i <= 100; i++) {
                a.transport().send(app(1, 2, i));
            }
            assertIndicesInOrder(takeOfType(b, MessageType.MsgApp, 100), 1);
        } finally {
            finish.countDown();
        }
        assertEquals(new SnapshotOutcome(2, true), a.handler().takeSnapshotOutcome());
        assertEquals(payload.expectedChecksum(), b.handler().takeSnapshot().checksum());
    }

    @Test
    void everySnapshotGetsExactlyOneOutcomeEvenWhenOneIsInFlight() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        b.handler().readSnapshotsWith((message, data, size) -> {
            reading.countDown();
            try {
                finish.await(WAIT, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            b.handler().readAll(message, data, size);
        });
        GeneratedSnapshotPayload first = new GeneratedSnapshotPayload(4L * MIB, 1);
        GeneratedSnapshotPayload second = new GeneratedSnapshotPayload(4L * MIB, 2);
        try {
            a.transport().sendSnapshot(snap(1, 2), first);
            assertTrue(reading.await(WAIT, TimeUnit.SECONDS), "snapshot never reached the receiver");
            runBounded("sendSnapshot while another is in flight", () -> a.transport().sendSnapshot(snap(1, 2), second));
        } finally {
            finish.countDown();
        }
        List<SnapshotOutcome> outcomes = List.of(a.handler().takeSnapshotOutcome(), a.handler().takeSnapshotOutcome());
        assertTrue(outcomes.contains(new SnapshotOutcome(2, true)), "the first snapshot was not delivered: " + outcomes);
        assertTrue(first.awaitReleased(WAIT) && second.awaitReleased(WAIT));
        a.transport().close();
        assertEquals(List.of(1, 1), List.of(first.releases(), second.releases()));
        assertTrue(a.handler().snapshotOutcomes.isEmpty(), "more than one outcome for one snapshot");
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void closeFreesThePortsAndLaterSendsAreDroppedAndReported() throws Exception {
        Member a = start(1), b = start(2);
        connectAll(a, b);
        sendUntilReceived(a, b);
        sendUntilReceived(b, a);
        GeneratedSnapshotPayload delivered = new GeneratedSnapshotPayload(2L * MIB, 4);
        a.transport().sendSnapshot(snap(1, 2), delivered);
        assertEquals(new SnapshotOutcome(2, true), a.handler().takeSnapshotOutcome());

        a.transport().close();
        b.transport().close();
        a.transport().close();
        assertPortFree(a.port(), "close() left the listen port bound");
        assertPortFree(b.port(), "close() left the listen port bound");

        int before = a.handler().unreachableCount(2);
        a.transport().send(app(1, 2, 1));
        assertTrue(a.handler().awaitUnreachable(2, before), "send after close() not reported unreachable");
        GeneratedSnapshotPayload late = new GeneratedSnapshotPayload(MIB, 5);
        a.transport().sendSnapshot(snap(1, 2), late);
        assertEquals(new SnapshotOutcome(2, false), a.handler().takeSnapshotOutcome());
        assertTrue(late.awaitReleased(WAIT));
        assertEquals(1, delivered.releases());
    }

    @Test
    void startFailsWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            PeerTransport t = create(new PeerTransportConfig(1, CLUSTER, List.of(url(taken.getLocalPort())),
                    new RecordingPeerHandler()));
            open.add(t);
            try {
                t.start();
                fail("start() succeeded on a port already bound");
            } catch (IOException expected) {
                // The server reports the address; the transport must not half-start.
            }
        }
    }

    // ---------------------------------------------------------------- requests between servers

    @Test
    void callsGetTheAnswerOfThePeersServerAlsoWhenConcurrent() throws Exception {
        Member a = start(1), b = start(HIGH_ID);
        connectAll(a, b);
        Random random = new Random(7);
        List<String> methods = new ArrayList<>();
        List<byte[]> requests = new ArrayList<>();
        methods.add("empty");
        requests.add(new byte[0]);
        methods.add("large");
        requests.add(randomBytes(random, 3 * MIB));
        // Names with characters a path or a header would mangle unless encoded.
        methods.add("lease/keep alive?x=1&y=%2F");
        requests.add(randomBytes(random, 100));
        methods.add("m\u00e9mbres \u4e16");
        requests.add(randomBytes(random, 100));
        for (int i = 0; i < 40; i++) {
            methods.add("concurrent-" + i);
            requests.add(randomBytes(random, random.nextInt(8192)));
        }
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < methods.size(); i++) {
            answers.add(a.transport().call(b.id(), methods.get(i), requests.get(i)));
        }
        for (int i = 0; i < methods.size(); i++) {
            assertArrayEquals(RecordingPeerHandler.echo(methods.get(i), requests.get(i)), answer(answers.get(i)),
                    "answer to " + methods.get(i));
        }
        byte[] back = randomBytes(random, 10);
        assertArrayEquals(RecordingPeerHandler.echo("back", back), answer(b.transport().call(a.id(), "back", back)));
        assertEquals(methods.size(), b.handler().serveCalls());
    }

    @Test
    void aServeThatBlocksHoldsUpNeitherOtherCallsNorMessages() throws Exception {
        Member a = start(1), b = start(2);
        connectAll(a, b);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        b.handler().serveWith((method, request) -> {
            if (method.equals("slow")) {
                entered.countDown();
                try {
                    release.await(WAIT, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return RecordingPeerHandler.echo(method, request);
        });
        try {
            CompletableFuture<byte[]> slow = a.transport().call(2, "slow", new byte[] {1});
            assertTrue(entered.await(WAIT, TimeUnit.SECONDS), "the slow call never reached the server");
            assertArrayEquals(RecordingPeerHandler.echo("fast", new byte[] {2}), answer(a.transport().call(2, "fast", new byte[] {2})));
            sendUntilReceived(a, b);
            assertFalse(slow.isDone(), "the slow call was answered before its server returned");
            release.countDown();
            assertArrayEquals(RecordingPeerHandler.echo("slow", new byte[] {1}), answer(slow));
        } finally {
            release.countDown();
        }
    }

    @Test
    void serverErrorsReachTheCallerWithTheirText() throws Exception {
        Member a = start(1), b = start(2);
        a.transport().addPeer(2, List.of(b.url()));
        b.handler().serveWith((method, request) -> {
            if (method.equals("io")) {
                throw new IOException("disk on fire 42");
            }
            throw new IllegalStateException("bad state 43");
        });
        assertCallFails(a.transport().call(2, "io", new byte[] {1}), "disk on fire 42");
        assertCallFails(a.transport().call(2, "runtime", new byte[] {1}), "bad state 43");
        IOException e = assertThrows(IOException.class,
                () -> provider().call(b.url(), "io", new byte[] {1}, Duration.ofSeconds(WAIT)));
        assertTrue(String.valueOf(e.getMessage()).contains("disk on fire 42"), "error text lost: " + e.getMessage());

        b.handler().serveWith(RecordingPeerHandler::echo);
        assertArrayEquals(RecordingPeerHandler.echo("after", new byte[] {3}), answer(a.transport().call(2, "after", new byte[] {3})));
        assertEquals(0, a.handler().unreachableCount(2), "a server error is not an unreachable peer");
    }

    @Test
    void callToAnUnknownOrUnreachableMemberFailsWithoutHanging() throws Exception {
        Member a = start(1);
        a.transport().addPeer(9, List.of(url(freePort())));
        assertCallFails(a.transport().call(77, "members", new byte[] {1}), null);
        assertCallFails(a.transport().call(9, "members", new byte[] {1}), null);
    }

    @Test
    void callBeforeStartOrAfterCloseFails() throws Exception {
        Member b = start(2);
        PeerTransport a = create(new PeerTransportConfig(1, CLUSTER, List.of(url(freePort())), new RecordingPeerHandler()));
        open.add(a);
        a.addPeer(2, List.of(b.url()));
        assertCallFails(a.call(2, "members", new byte[] {1}), null);
        a.start();
        assertArrayEquals(RecordingPeerHandler.echo("members", new byte[] {1}), answer(a.call(2, "members", new byte[] {1})));
        a.close();
        assertCallFails(a.call(2, "members", new byte[] {1}), null);
        assertEquals(1, b.handler().serveCalls());
    }

    @Test
    void callToAMemberOfAnotherClusterIsRefused() throws Exception {
        Member a = start(1);
        Member stranger = start(2, OTHER_CLUSTER, freePort());
        a.transport().addPeer(2, List.of(stranger.url()));
        assertCallFails(a.transport().call(2, "members", new byte[] {1}), "cluster ID mismatch");
        assertEquals(0, stranger.handler().serveCalls(), "a member of another cluster was served");
        assertEquals(0, a.handler().removedFromClusterCount(), "a cluster mismatch is not a removal");
    }

    @Test
    void callFromARemovedMemberIsRefusedAndItLearnsItWasRemoved() throws Exception {
        Member a = start(1), b = start(2);
        b.handler().removedMembers.add(1L);
        a.transport().addPeer(2, List.of(b.url()));
        assertCallFails(a.transport().call(2, "promote", new byte[] {1}), "permanently removed");
        assertTrue(a.handler().awaitRemovedFromCluster(), "removed member was not told");
        assertEquals(0, b.handler().serveCalls(), "a removed member was served");
    }

    @Test
    void providerCallReachesARunningMemberWithoutKnowingItsCluster() throws Exception {
        Member b = start(HIGH_ID);
        byte[] request = randomBytes(new Random(3), 5000);
        assertArrayEquals(RecordingPeerHandler.echo("members", request),
                provider().call(b.url(), "members", request, Duration.ofSeconds(WAIT)));
        assertArrayEquals(RecordingPeerHandler.echo("empty", new byte[0]),
                provider().call(b.url(), "empty", new byte[0], Duration.ofSeconds(WAIT)));
        assertEquals(2, b.handler().serveCalls());
    }

    @Test
    void providerCallFailsWithinItsTimeoutWhenNothingAnswers() throws Exception {
        URI nothing = url(freePort());
        runBounded("a provider call to a port with nothing listening", () -> assertThrows(IOException.class,
                () -> provider().call(nothing, "members", new byte[] {1}, Duration.ofSeconds(2))));
        // Accepts connections (the backlog does) but never says a word.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            URI mute = url(silent.getLocalPort());
            runBounded("a provider call to a peer that never answers", () -> assertThrows(IOException.class,
                    () -> provider().call(mute, "members", new byte[] {1}, Duration.ofSeconds(1))));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The answer, waiting at most the hang guard. */
    protected static byte[] answer(CompletableFuture<byte[]> call) throws Exception {
        try {
            return call.get(WAIT, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT + " s", e);
        }
    }

    /** Asserts the call fails with an IOException, whose text contains {@code text} unless null, without hanging. */
    protected static void assertCallFails(CompletableFuture<byte[]> call, String text) throws Exception {
        try {
            byte[] answer = call.get(WAIT, TimeUnit.SECONDS);
            fail("the call was answered (" + answer.length + " bytes)");
        } catch (TimeoutException e) {
            fail("the call neither failed nor was answered within " + WAIT + " s");
        } catch (ExecutionException e) {
            assertInstanceOf(IOException.class, e.getCause());
            if (text != null) {
                assertTrue(String.valueOf(e.getCause().getMessage()).contains(text),
                        "expected \"" + text + "\" in: " + e.getCause().getMessage());
            }
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Creates and starts a member on {@code port}; closed after the test. */
    protected Member start(long id, long cluster, int port) throws IOException {
        RecordingPeerHandler handler = new RecordingPeerHandler();
        PeerTransport t = create(new PeerTransportConfig(id, cluster, List.of(url(port)), handler));
        open.add(t);
        t.start();
        return new Member(id, port, t, handler);
    }

    protected Member start(long id) throws IOException {
        return start(id, CLUSTER, freePort());
    }

    protected static void connectAll(Member... members) {
        for (Member from : members) {
            for (Member to : members) {
                if (from != to) {
                    from.transport().addPeer(to.id(), List.of(to.url()));
                }
            }
        }
    }

    protected static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    protected static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }

    private static void assertPortFree(int port, String message) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        } catch (IOException e) {
            fail(message + ": " + e);
        }
    }

    protected static Message app(long from, long to, long index) {
        return Message.newBuilder().setType(MessageType.MsgApp).setFrom(from).setTo(to).setIndex(index).build();
    }

    /** A MsgSnap as the server sends it: metadata only, the data follows as the payload. */
    protected static Message snap(long from, long to) {
        return Message.newBuilder().setType(MessageType.MsgSnap).setFrom(from).setTo(to).setTerm(5)
                .setSnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(1000).setTerm(4)
                        .setConfState(ConfState.newBuilder().addVoters(from).addVoters(to))))
                .build();
    }

    /**
     * Sends numbered heartbeats, pacing them, until one arrives (a connection may take a few
     * attempts); returns the first that did. Other messages received meanwhile are discarded.
     */
    protected static Message sendUntilReceived(Member from, Member to) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        for (long i = 1; System.nanoTime() < deadline; i++) {
            from.transport().send(Message.newBuilder().setType(MessageType.MsgHeartbeat)
                    .setFrom(from.id()).setTo(to.id()).setCommit(i).build());
            long pollUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            for (long left; (left = pollUntil - System.nanoTime()) > 0; ) {
                Message m = to.handler().received.poll(left, TimeUnit.NANOSECONDS);
                if (m != null && m.getType() == MessageType.MsgHeartbeat) {
                    return m;
                }
            }
        }
        throw new AssertionError("nothing from member " + Long.toHexString(from.id())
                + " reached member " + Long.toHexString(to.id()));
    }

    /** The next {@code n} messages of {@code type} received by {@code member}, skipping others. */
    protected static List<Message> takeOfType(Member member, MessageType type, int n) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (out.size() < n) {
            Message m = member.handler().received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("received " + out.size() + " of " + n + " " + type + " messages");
            }
            if (m.getType() == type) {
                out.add(m);
            }
        }
        return out;
    }

    private static void assertIndicesInOrder(List<Message> messages, long first) {
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            expected.add(first + i);
        }
        assertEquals(expected, messages.stream().map(Message::getIndex).collect(Collectors.toList()));
    }

    /** Runs {@code action} on a thread of its own and fails if it has not returned within the hang guard. */
    protected static void runBounded(String what, Runnable action) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().name("contract-test-driver").start(() -> {
            try {
                action.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.join(TimeUnit.SECONDS.toMillis(WAIT));
        if (thread.isAlive()) {
            thread.interrupt();
            fail(what + ": still blocked after " + WAIT + " s");
        }
        if (failure[0] != null) {
            throw new AssertionError(what + " failed", failure[0]);
        }
        assertFalse(thread.isAlive());
    }
}
