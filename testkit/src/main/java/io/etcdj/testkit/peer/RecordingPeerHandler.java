package io.etcdj.testkit.peer;

import io.etcdj.api.raftpb.Message;
import io.etcdj.spi.transport.PeerTransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * A peer transport handler that records everything the transport hands it, for tests. Waits are
 * bounded by {@link #WAIT_SECONDS} (a guard against hangs, never a timing assertion).
 *
 * <p>By default it takes every message and reads every snapshot to the end, recording its
 * CRC-32C, and answers every {@link #serve} with {@link #echo}; {@link #holdReceives()} makes
 * {@link #receive} block (to simulate a receiver that falls behind), {@link #readSnapshotsWith}
 * changes how snapshots are read and {@link #serveWith} how requests are answered.
 */
public final class RecordingPeerHandler implements PeerTransportConfig.Handler {
    /** Bound of every wait: generous, since the machine running the tests may be slow and busy. */
    public static final long WAIT_SECONDS = 60;

    /** How a snapshot's data is consumed; throwing fails the transfer. */
    @FunctionalInterface
    public interface SnapshotReader {
        void read(Message message, InputStream data, long size) throws IOException;
    }

    /** How requests from peers are answered; throwing fails the request. */
    @FunctionalInterface
    public interface RequestServer {
        byte[] serve(String method, byte[] request) throws IOException;
    }

    /** A snapshot that {@link #readAll} consumed. */
    public record ReceivedSnapshot(Message message, long size, long bytesRead, long checksum) {
    }

    /** One {@link #snapshotStatus} call. */
    public record SnapshotOutcome(long memberId, boolean delivered) {
    }

    public final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
    public final LinkedBlockingQueue<ReceivedSnapshot> snapshots = new LinkedBlockingQueue<>();
    public final LinkedBlockingQueue<SnapshotOutcome> snapshotOutcomes = new LinkedBlockingQueue<>();
    /** Members {@link #isRemoved} answers true for. */
    public final Set<Long> removedMembers = ConcurrentHashMap.newKeySet();

    private final ConcurrentHashMap<Long, AtomicInteger> unreachable = new ConcurrentHashMap<>();
    private final AtomicInteger removedFromCluster = new AtomicInteger();
    private final AtomicInteger snapshotCalls = new AtomicInteger();
    private final AtomicReference<CountDownLatch> receiveGate = new AtomicReference<>();
    private final AtomicInteger serveCalls = new AtomicInteger();
    private volatile SnapshotReader snapshotReader = this::readAll;
    private volatile RequestServer requestServer = RecordingPeerHandler::echo;

    @Override
    public void receive(Message message) {
        CountDownLatch gate = receiveGate.get();
        if (gate != null) {
            try {
                // Bounded so that a test that forgets to release cannot wedge a transport thread forever.
                gate.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        received.add(message);
    }

    @Override
    public void unreachable(long memberId) {
        unreachable.computeIfAbsent(memberId, id -> new AtomicInteger()).incrementAndGet();
        signal();
    }

    @Override
    public void receiveSnapshot(Message message, InputStream data, long size) throws IOException {
        snapshotCalls.incrementAndGet();
        snapshotReader.read(message, data, size);
    }

    @Override
    public void snapshotStatus(long memberId, boolean delivered) {
        snapshotOutcomes.add(new SnapshotOutcome(memberId, delivered));
    }

    @Override
    public byte[] serve(String method, byte[] request) throws IOException {
        serveCalls.incrementAndGet();
        return requestServer.serve(method, request);
    }

    /** The default answer: the method's UTF-8 bytes, a newline, then the request. */
    public static byte[] echo(String method, byte[] request) {
        byte[] name = (method + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] answer = Arrays.copyOf(name, name.length + request.length);
        System.arraycopy(request, 0, answer, name.length, request.length);
        return answer;
    }

    @Override
    public boolean isRemoved(long memberId) {
        return removedMembers.contains(memberId);
    }

    @Override
    public void removedFromCluster() {
        removedFromCluster.incrementAndGet();
        signal();
    }

    private synchronized void signal() {
        notifyAll();
    }

    /** From now on {@link #receive} blocks until {@link #releaseReceives()}. */
    public void holdReceives() {
        receiveGate.set(new CountDownLatch(1));
    }

    public void releaseReceives() {
        CountDownLatch gate = receiveGate.getAndSet(null);
        if (gate != null) {
            gate.countDown();
        }
    }

    public void readSnapshotsWith(SnapshotReader reader) {
        snapshotReader = reader;
    }

    /** The default reader: reads to the end, then records size, bytes read and CRC-32C. */
    public void readAll(Message message, InputStream data, long size) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = data.read(buffer)) >= 0; ) {
            crc.update(buffer, 0, n);
            total += n;
        }
        snapshots.add(new ReceivedSnapshot(message, size, total, crc.getValue()));
    }

    public void serveWith(RequestServer server) {
        requestServer = server;
    }

    /** How many times {@link #serve} was called. */
    public int serveCalls() {
        return serveCalls.get();
    }

    public int unreachableCount(long memberId) {
        AtomicInteger n = unreachable.get(memberId);
        return n == null ? 0 : n.get();
    }

    public int removedFromClusterCount() {
        return removedFromCluster.get();
    }

    /** How many times {@link #receiveSnapshot} was called. */
    public int snapshotCalls() {
        return snapshotCalls.get();
    }

    /** Waits until the member was reported unreachable more than {@code before} times; false on giving up. */
    public boolean awaitUnreachable(long memberId, int before) throws InterruptedException {
        return awaitTrue(() -> unreachableCount(memberId) > before);
    }

    /** Waits until {@link #removedFromCluster} was called; false on giving up. */
    public boolean awaitRemovedFromCluster() throws InterruptedException {
        return awaitTrue(() -> removedFromCluster.get() > 0);
    }

    private synchronized boolean awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The next {@code n} messages received; fails if they do not all come. */
    public List<Message> take(int n) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (out.size() < n) {
            Message m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("received " + out.size() + " of " + n + " messages");
            }
            out.add(m);
        }
        return out;
    }

    /** The next snapshot outcome; fails if none comes. */
    public SnapshotOutcome takeSnapshotOutcome() throws InterruptedException {
        SnapshotOutcome outcome = snapshotOutcomes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (outcome == null) {
            throw new AssertionError("no snapshotStatus reported within " + WAIT_SECONDS + " s");
        }
        return outcome;
    }

    /** The next snapshot read to the end; fails if none comes. */
    public ReceivedSnapshot takeSnapshot() throws InterruptedException {
        ReceivedSnapshot snapshot = snapshots.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (snapshot == null) {
            throw new AssertionError("no snapshot received within " + WAIT_SECONDS + " s");
        }
        return snapshot;
    }
}
