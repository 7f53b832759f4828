package io.etcdj.transport.http.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.SnapshotOutcome;
import io.etcdj.api.raftpb.Message;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one snapshot as a {@code POST /raft/snapshot} on a thread of its own: the MsgSnap frame,
 * then the payload, pulled from its stream only as fast as the connection takes it, so memory
 * stays bounded whatever the snapshot's size. Delivered means the peer answered 204. Every other
 * end is a failure: a refusal (410 also goes to the {@link RemovalReporter}), the receiver's
 * handler failing (500), the connection lost, no byte taken for {@link #STALL_TIMEOUT}, no answer
 * within {@link #ANSWER_TIMEOUT} after the last byte, or {@link #cancel()}.
 */
final class SnapshotSender implements Runnable {
    /** The peer took no data for this long while the body was being sent: it is gone or stuck. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);
    /** After the last byte, the receiver makes the snapshot durable before answering; this long at most. */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);
    private static final long POLL_MILLIS = 200;
    private static final int MAX_ERROR_BODY_BYTES = 1024;
    private static final System.Logger LOG = System.getLogger(SnapshotSender.class.getName());

    private final PeerEndpoint peer;
    private final HttpClient client;
    private final Message message;
    private final SnapshotOutcome outcome;
    private final RemovalReporter removal;
    private final AtomicLong bytesTaken = new AtomicLong();
    /** Every stream opened on the payload; closed at the end whatever the client did with them. */
    private final List<InputStream> opened = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    SnapshotSender(PeerEndpoint peer, HttpClient client, Message message, SnapshotOutcome outcome, RemovalReporter removal) {
        this.peer = peer;
        this.client = client;
        this.message = message;
        this.outcome = outcome;
        this.removal = removal;
    }

    /** Stops the transfer (reported as not delivered) without waiting for its thread. */
    void cancel() {
        cancelled = true;
    }

    @Override
    public void run() {
        String member = Long.toHexString(peer.memberId());
        long size = outcome.payload().size();
        boolean delivered = false;
        try {
            HttpRequest request = peer.request(PeerHttpProtocol.SNAPSHOT_PATH)
                    .header("Content-Type", "application/octet-stream")
                    .POST(body(size))
                    .build();
            LOG.log(System.Logger.Level.INFO, "sending database snapshot [index: {0}, to: {1}, size: {2} bytes]",
                    message.getSnapshot().getMetadata().getIndex(), member, size);
            HttpResponse<InputStream> response = await(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()), size);
            String text;
            try (InputStream body = response.body()) {
                text = new String(body.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8).strip();
            }
            int status = response.statusCode();
            delivered = status == PeerHttpProtocol.NO_CONTENT;
            if (status == PeerHttpProtocol.GONE) {
                removal.refusedBy(peer.memberId());
            }
            if (!delivered) {
                LOG.log(System.Logger.Level.WARNING, "member {0} did not take the snapshot: {1} {2}", member, status, text);
            }
        } catch (IOException | UncheckedIOException e) {
            if (!cancelled) {
                LOG.log(System.Logger.Level.WARNING, "failed to send the snapshot to member {0}: {1}", member, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "failed to send the snapshot to member " + member, e);
        } catch (InterruptedException e) {
            // The transport is closing.
        } finally {
            for (InputStream in : opened) {
                try {
                    in.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "closing the snapshot payload failed", e);
                }
            }
            peer.transferEnded(this);
            outcome.report(delivered);
        }
        if (delivered) {
            LOG.log(System.Logger.Level.INFO, "sent database snapshot [index: {0}, to: {1}]",
                    message.getSnapshot().getMetadata().getIndex(), member);
        }
    }

    /**
     * The MsgSnap frame, then the payload: both of known length, so that the request has a
     * Content-Length, which tells the receiver the data's size before the data.
     */
    private HttpRequest.BodyPublisher body(long size) {
        HttpRequest.BodyPublisher frame = HttpRequest.BodyPublishers.ofByteArray(PeerHttpProtocol.frame(message));
        if (size == 0) {
            return frame;
        }
        return HttpRequest.BodyPublishers.concat(frame,
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(this::openPayload), size));
    }

    private InputStream openPayload() {
        try {
            InputStream in = new Counting(outcome.payload().open());
            opened.add(in);
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the answer, cancelling the request on {@link #cancel()} or when the peer stalls. */
    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> answer, long size)
            throws IOException, InterruptedException {
        long lastTaken = -1;
        long lastProgressNanos = System.nanoTime();
        try {
            while (true) {
                try {
                    return answer.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    long taken = bytesTaken.get();
                    long now = System.nanoTime();
                    if (taken != lastTaken) {
                        lastTaken = taken;
                        lastProgressNanos = now;
                    }
                    Duration limit = taken < size ? STALL_TIMEOUT : ANSWER_TIMEOUT;
                    if (cancelled) {
                        throw new IOException("snapshot transfer cancelled");
                    }
                    if (now - lastProgressNanos > limit.toNanos()) {
                        throw new IOException(taken < size
                                ? "the peer took no snapshot data for " + limit.toSeconds() + " s"
                                : "no answer " + limit.toSeconds() + " s after the last byte");
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            throw new IOException(cause);
        } finally {
            // Aborts the exchange if it is still going (no-op once answered).
            answer.cancel(true);
        }
    }

    /** Counts the bytes the client pulled from the payload: progress, for the stall check. */
    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesTaken.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytesTaken.addAndGet(n);
            }
            return n;
        }
    }
}
