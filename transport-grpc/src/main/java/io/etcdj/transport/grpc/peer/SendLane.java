package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.peer.RemovalReporter;
import io.etcdj.spi.transport.peer.UnreachableReporter;
import com.google.protobuf.Empty;
import io.etcdj.api.raftpb.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded message queue to one peer, drained in order by its own thread into one long-lived
 * {@link PeerStreamProtocol#STREAM} call, opened when the first message comes.
 *
 * <p>The thread writes a message only when the call is ready (HTTP/2 flow control), so a slow peer
 * fills this queue rather than gRPC's buffers, and {@link #offer} then refuses. When the stream
 * breaks, or cannot be opened, the queued messages are dropped (Raft resends what matters), the
 * peer is reported unreachable, and offers are refused during a backoff of
 * {@value #MIN_BACKOFF_MILLIS} ms, doubling up to {@value #MAX_BACKOFF_MILLIS} ms while attempts keep
 * failing; the first message after the backoff opens a new stream. A stream refused because this
 * member was removed from the cluster is also reported to the {@link RemovalReporter}.
 */
final class SendLane implements Runnable {
    static final long MIN_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(SendLane.class.getName());

    private final PeerSender peer;
    private final long clusterId;
    private final long localMemberId;
    private final int maxMessages;
    private final long maxBytes;
    private final UnreachableReporter unreachable;
    private final RemovalReporter removal;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on a new message, on the call becoming ready or closed, and on close. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long backoffUntilNanos = System.nanoTime();
    private long nextBackoffMillis = MIN_BACKOFF_MILLIS;
    private boolean closed;
    /** The current stream; replaced only by the lane's thread. */
    private ClientCall<Message, Empty> call;
    private boolean callClosed;
    /** The peer answered the current stream's headers, i.e. accepted it. */
    private boolean accepted;
    /** Some stream was accepted and has not broken since: for logging the transitions only. */
    private boolean active;
    private Thread thread;

    SendLane(PeerSender peer, long clusterId, long localMemberId, int maxMessages, long maxBytes,
             UnreachableReporter unreachable, RemovalReporter removal) {
        this.peer = peer;
        this.clusterId = clusterId;
        this.localMemberId = localMemberId;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.unreachable = unreachable;
        this.removal = removal;
    }

    void start(Thread thread) {
        this.thread = thread;
        thread.start();
    }

    /**
     * Queues the message unless the lane is closed or backing off, or the queue holds
     * {@code maxMessages} already, or it is not empty and would exceed {@code maxBytes}.
     */
    boolean offer(Message message, int size) {
        lock.lock();
        try {
            if (closed || System.nanoTime() - backoffUntilNanos < 0) {
                return false;
            }
            if (queue.size() >= maxMessages || (!queue.isEmpty() && queuedBytes + size > maxBytes)) {
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

    /** Drops the queue, cancels the stream and ends the thread, without waiting for it. */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                Message message = next();
                ClientCall<Message, Empty> stream = openStream();
                if (stream == null || !awaitReady(stream)) {
                    unreachable.report(peer.memberId());
                    continue;
                }
                // Outside the lock: serializing a big append takes a while and offers must not wait.
                stream.sendMessage(message);
            }
        } catch (InterruptedException e) {
            // Closed.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sender to member " + Long.toHexString(peer.memberId()) + " failed", e);
        } finally {
            ClientCall<Message, Empty> last;
            lock.lock();
            try {
                closed = true;
                last = call;
            } finally {
                lock.unlock();
            }
            if (last != null) {
                last.cancel("peer transport closed", null);
            }
        }
    }

    private Message next() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                changed.await();
            }
            if (closed) {
                throw new InterruptedException();
            }
            Message message = queue.poll();
            queuedBytes -= message.getSerializedSize();
            return message;
        } finally {
            lock.unlock();
        }
    }

    /** The open stream, or a new one; null if none could be made (already handled as a failure). */
    private ClientCall<Message, Empty> openStream() {
        lock.lock();
        try {
            if (call != null && !callClosed) {
                return call;
            }
            call = null;
        } finally {
            lock.unlock();
        }
        ManagedChannel channel;
        try {
            channel = peer.channel();
        } catch (IOException e) {
            failed(null, Status.UNAVAILABLE.withDescription(e.getMessage()));
            return null;
        }
        // The channel may still be backing off from its own failed connection attempts; our
        // backoff already waited, so connect now (else a restarted peer stays unreached for long).
        channel.resetConnectBackoff();
        ClientCall<Message, Empty> stream = channel.newCall(PeerStreamProtocol.STREAM, CallOptions.DEFAULT);
        lock.lock();
        try {
            call = stream;
            callClosed = false;
            accepted = false;
        } finally {
            lock.unlock();
        }
        stream.start(new Listener(stream, channel), PeerStreamProtocol.senderHeaders(clusterId, localMemberId));
        stream.request(1);
        return stream;
    }

    /** Waits until the stream takes a message; false if it closed meanwhile. */
    private boolean awaitReady(ClientCall<Message, Empty> stream) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new InterruptedException();
                }
                if (callClosed) {
                    return false;
                }
                if (stream.isReady()) {
                    return true;
                }
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stream on {@code channel} (null: none could be opened) ended: drop the queue, back off,
     * move on to the next URL if the peer never accepted it, report the peer unreachable.
     */
    private void failed(ManagedChannel channel, Status status) {
        boolean wasActive;
        boolean wasAccepted;
        long delay;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            callClosed = true;
            wasAccepted = accepted;
            delay = wasAccepted ? MIN_BACKOFF_MILLIS : nextBackoffMillis;
            nextBackoffMillis = Math.min(delay * 2, MAX_BACKOFF_MILLIS);
            backoffUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            queue.clear();
            queuedBytes = 0;
            wasActive = active;
            active = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        String member = Long.toHexString(peer.memberId());
        boolean removed = PeerStreamProtocol.isMemberRemoved(status);
        if (!wasAccepted && !removed) {
            peer.failedOn(channel);
        }
        if (removed) {
            removal.refusedBy(peer.memberId());
        } else if (wasActive) {
            LOG.log(System.Logger.Level.WARNING, "lost the message stream to member {0}: {1}", member, status);
        } else if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
            LOG.log(System.Logger.Level.ERROR, "member {0} refused the message stream: {1}", member, status.getDescription());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "cannot open the message stream to member {0}: {1}", member, status);
        }
        unreachable.report(peer.memberId());
    }

    private final class Listener extends ClientCall.Listener<Empty> {
        private final ClientCall<Message, Empty> stream;
        private final ManagedChannel channel;

        Listener(ClientCall<Message, Empty> stream, ManagedChannel channel) {
            this.stream = stream;
            this.channel = channel;
        }

        @Override
        public void onHeaders(Metadata headers) {
            boolean becameActive = false;
            lock.lock();
            try {
                if (call == stream && !closed) {
                    accepted = true;
                    nextBackoffMillis = MIN_BACKOFF_MILLIS;
                    becameActive = !active;
                    active = true;
                }
            } finally {
                lock.unlock();
            }
            if (becameActive) {
                LOG.log(System.Logger.Level.INFO, "the message stream to member {0} is open", Long.toHexString(peer.memberId()));
            }
        }

        @Override
        public void onReady() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            lock.lock();
            try {
                if (call != stream) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            failed(channel, status);
        }
    }
}
