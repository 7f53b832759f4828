package io.etcdj.transport.http.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.UnreachableReporter;
import io.etcdj.api.raftpb.Message;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded message queue to one peer, drained in order by its own thread: it takes what is
 * queued (up to {@value #MAX_BATCH_BYTES} bytes, or one bigger message) and POSTs it to
 * {@code /raft/messages}, then waits for the answer before the next batch. One request at a time
 * keeps the order; batching keeps the throughput (what queues during one request goes in the
 * next), and a receiver that falls behind answers late, so this queue fills and {@link #offer}
 * refuses rather than anything growing.
 *
 * <p>(Why not etcd's one long-lived streaming request: {@code java.net.http} shows the answer to a
 * request only after its body was sent, so a refusal — other cluster, removed member — of a
 * never-ending body could not be told from a broken connection.)
 *
 * <p>When a request fails (no connection, refused, no answer within {@link #REQUEST_TIMEOUT}),
 * the queued messages are dropped (Raft resends what matters), the peer is reported unreachable,
 * and offers are refused during a backoff of {@value #MIN_BACKOFF_MILLIS} ms, doubling up to
 * {@value #MAX_BACKOFF_MILLIS} ms while attempts keep failing. A refusal because this member was
 * removed from the cluster also goes to the {@link RemovalReporter}.
 */
final class MessageLane implements Runnable {
    /** Messages queued per peer; beyond this sends are dropped as unreachable. */
    static final int MAX_QUEUED_MESSAGES = 4096;
    /** Bytes queued per peer; a single larger message is still taken into an empty queue. */
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    /** Bytes of messages per request; a single larger message goes alone. */
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    /** Longest wait for the answer to one request (a peer that vanished without closing the connection). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final long MIN_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 1000;
    /** Of a refusal's text, for the log. */
    private static final int MAX_ERROR_BODY_BYTES = 1024;

    private static final System.Logger LOG = System.getLogger(MessageLane.class.getName());

    private final PeerEndpoint peer;
    private final HttpClient client;
    private final UnreachableReporter unreachable;
    private final RemovalReporter removal;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on a new message and on close. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long backoffUntilNanos = System.nanoTime();
    private long nextBackoffMillis = MIN_BACKOFF_MILLIS;
    private boolean closed;
    /** The last request was answered 204: for logging the transitions only. */
    private boolean active;
    private Thread thread;

    MessageLane(PeerEndpoint peer, HttpClient client, UnreachableReporter unreachable, RemovalReporter removal) {
        this.peer = peer;
        this.client = client;
        this.unreachable = unreachable;
        this.removal = removal;
    }

    void start(Thread thread) {
        lock.lock();
        try {
            this.thread = thread;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the message unless the lane is closed or backing off, or the queue holds
     * {@value #MAX_QUEUED_MESSAGES} already, or it is not empty and would exceed
     * {@value #MAX_QUEUED_BYTES} bytes.
     */
    boolean offer(Message message, int size) {
        lock.lock();
        try {
            if (closed || System.nanoTime() - backoffUntilNanos < 0) {
                return false;
            }
            if (queue.size() >= MAX_QUEUED_MESSAGES || (!queue.isEmpty() && queuedBytes + size > MAX_QUEUED_BYTES)) {
                return false;
            }
            queue.add(message);
            queuedBytes += size;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the queue and ends the thread (cancelling a request in flight), without waiting for it. */
    void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            changed.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                post(nextBatch());
            }
        } catch (InterruptedException e) {
            // Closed.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sender to member " + Long.toHexString(peer.memberId()) + " failed", e);
        } finally {
            lock.lock();
            try {
                closed = true;
                queue.clear();
                queuedBytes = 0;
            } finally {
                lock.unlock();
            }
        }
    }

    private List<Message> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                changed.await();
            }
            if (closed) {
                throw new InterruptedException();
            }
            List<Message> batch = new ArrayList<>();
            long bytes = 0;
            while (!queue.isEmpty()) {
                int size = queue.peek().getSerializedSize();
                if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                    break;
                }
                batch.add(queue.poll());
                bytes += size;
            }
            queuedBytes -= bytes;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void post(List<Message> batch) throws InterruptedException {
        List<byte[]> frames = new ArrayList<>(batch.size());
        long bodyBytes = 0;
        for (Message m : batch) {
            byte[] frame = PeerHttpProtocol.frame(m);
            frames.add(frame);
            bodyBytes += frame.length;
        }
        HttpRequest request;
        try {
            request = peer.request(PeerHttpProtocol.MESSAGES_PATH)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/protobuf")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(frames), bodyBytes))
                    .build();
        } catch (IOException e) {
            failed(null, e.getMessage(), false);
            return;
        }
        int status;
        String text;
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream body = response.body()) {
                text = new String(body.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            failed(request.uri(), e.toString(), true);
            return;
        }
        if (status == PeerHttpProtocol.NO_CONTENT) {
            succeeded();
        } else if (status == PeerHttpProtocol.GONE) {
            removal.refusedBy(peer.memberId());
            failed(request.uri(), status + " " + text, false);
        } else {
            failed(request.uri(), status + " " + text, false);
        }
    }

    private void succeeded() {
        boolean becameActive;
        lock.lock();
        try {
            nextBackoffMillis = MIN_BACKOFF_MILLIS;
            becameActive = !active;
            active = true;
        } finally {
            lock.unlock();
        }
        if (becameActive) {
            LOG.log(System.Logger.Level.INFO, "messages to member {0} go through", Long.toHexString(peer.memberId()));
        }
    }

    /**
     * A request failed: drop the queue, back off, move on to the next URL if the peer could not be
     * reached at {@code url}, report the peer unreachable.
     */
    private void failed(URI url, String why, boolean unreached) {
        boolean wasActive;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long delay = nextBackoffMillis;
            nextBackoffMillis = Math.min(delay * 2, MAX_BACKOFF_MILLIS);
            backoffUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            queue.clear();
            queuedBytes = 0;
            wasActive = active;
            active = false;
        } finally {
            lock.unlock();
        }
        String member = Long.toHexString(peer.memberId());
        if (unreached && url != null) {
            peer.failedOn(url);
        }
        if (wasActive) {
            LOG.log(System.Logger.Level.WARNING, "lost contact with member {0}: {1}", member, why);
        } else if (!unreached) {
            LOG.log(System.Logger.Level.ERROR, "cannot send messages to member {0}: {1}", member, why);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "cannot reach member {0}: {1}", member, why);
        }
        unreachable.report(peer.memberId());
    }
}
