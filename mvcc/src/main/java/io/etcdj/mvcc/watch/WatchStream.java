package io.etcdj.mvcc.watch;

import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client's watch stream (one gRPC {@code Watch} call): the watchers it created and the
 * responses waiting for it, in order. etcd splits this between {@code mvcc.watchStream} and
 * {@code v3rpc.serverWatchStream}; here the transport only decodes requests into
 * {@link #handle} and encodes what {@link #poll} returns.
 *
 * <p><b>Order.</b> Every response of the stream goes through one queue, so a watcher's
 * {@code created} response comes before its events, its events come in revision order without
 * gaps or repeats, its {@code canceled} response comes after its last event, and a progress
 * response (header revision {@code r}, watch ID -1) comes after every event up to {@code r} of
 * every watcher of the stream.
 *
 * <p><b>Bounds.</b> At most {@link WatchOptions#streamBufferLength()} event responses wait (each
 * at most {@link WatchOptions#maxRevisionsPerResponse()} revisions); a watcher whose next response
 * does not fit falls behind and later catches up from history, so a consumer that stops polling
 * never holds up writes and costs bounded memory. Control responses (created, canceled,
 * progress) are always queued; {@link #acceptingRequests()} tells a transport with inbound flow
 * control when to stop reading requests (etcd blocks its receive loop at 16).
 *
 * <p><b>Threads.</b> {@link #handle} (and the methods it calls) from the thread that receives the
 * client's requests; {@link #poll} from the thread that sends; any thread may {@link #close}.
 * Events are queued by the store's writer thread and the hub's catch-up thread.
 */
public final class WatchStream implements AutoCloseable {
    /** etcd's {@code clientv3.AutoWatchID}: a create request with this ID lets the stream pick one. */
    public static final long AUTO_WATCH_ID = 0;
    /** etcd's {@code clientv3.InvalidWatchID}: refused creates and stream-wide progress responses carry it. */
    public static final long INVALID_WATCH_ID = -1;
    /** etcd's {@code mvcc.ErrEmptyWatcherRange}. */
    static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    /** etcd's {@code mvcc.ErrWatcherDuplicateID}. */
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

    private final WatchHub hub;
    private final ResponseQueue queue;
    private final ResponseShaper shaper;
    private final int controlBufferLength;
    private volatile Runnable listener = () -> {
    };

    /** Guards {@link #outbox}: the consumer's wire responses cut from one queued response. */
    private final ReentrantLock consumerLock = new ReentrantLock();
    private final ArrayDeque<WatchResponse> outbox = new ArrayDeque<>();

    // Guarded by the hub's lock.
    private final Map<Long, Watcher> watchers = new HashMap<>();
    private long nextId;
    private boolean progressDeferred;
    /** Watchers of this stream in the hub's unsynced set; read without the lock by {@link #poll}. */
    private volatile int lagging;
    private volatile boolean closed;

    WatchStream(WatchHub hub, WatchOptions options) {
        this.hub = hub;
        this.queue = new ResponseQueue(options.streamBufferLength());
        this.shaper = new ResponseShaper(hub.store(), options.headers(), options.maxResponseBytes());
        this.controlBufferLength = options.controlBufferLength();
    }

    /**
     * Sets what to run when responses may be ready (after they were queued, with no lock held,
     * on a producer's thread: the store's writer, the catch-up thread, or a caller of this
     * stream). It must not block; it typically schedules a task that polls until null.
     */
    public void setListener(Runnable onResponses) {
        listener = Objects.requireNonNull(onResponses, "onResponses");
        signal();
    }

    /** Serves one request of the client: create, cancel or progress; an empty request is ignored. */
    public void handle(WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(request.getCreateRequest());
            case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> requestProgress();
            case REQUESTUNION_NOT_SET -> {
                // etcd ignores a request it cannot read rather than ending the stream.
            }
        }
    }

    /**
     * Creates a watcher and queues its {@code created} response (header revision: the store's
     * current revision), as etcd 3.4 does: an empty key means {@code "\0"}; range end
     * {@code "\0"} means every key from the key on; start revision 0 means after the current
     * revision; watch ID 0 lets the stream pick the lowest free ID counting from 0. A range end
     * not after the key, or an ID already taken on this stream, is refused with a response that
     * is both {@code created} and {@code canceled}, with watch ID -1 and etcd's reason.
     */
    public void create(WatchCreateRequest request) {
        long storeRevision = hub.store().currentRevision();
        KeyRange range = KeyRange.fromRequest(request.getKey(), request.getRangeEnd());
        hub.lock().lock();
        try {
            if (closed) {
                return;
            }
            long id = request.getWatchId();
            if (range == null) {
                refuseCreate(EMPTY_RANGE, storeRevision);
                return;  // the finally block wakes the consumer for the refusal
            }
            if (id == AUTO_WATCH_ID) {
                while (watchers.containsKey(nextId)) {
                    nextId++;
                }
                id = nextId++;
            } else if (watchers.containsKey(id)) {
                refuseCreate(DUPLICATE_ID, storeRevision);
                return;  // the finally block wakes the consumer for the refusal
            }
            // etcd lets a negative start revision through to a watcher that is then canceled as
            // compacted (with compact revision -1 on a never compacted store); revision 1 is
            // where history starts.
            long start = request.getStartRevision() == 0 ? storeRevision + 1 : Math.max(1, request.getStartRevision());
            Watcher watcher = new Watcher(this, id, range, request, start);
            watchers.put(id, watcher);
            // Queued before the hub knows the watcher, so it precedes every event of it.
            queue.offer(new Outgoing.Message(
                    WatchResponse.newBuilder().setWatchId(id).setCreated(true).build(), storeRevision, false));
            hub.register(watcher);
        } finally {
            hub.lock().unlock();
            // Outside the lock: a created or refused response is waiting either way.
            signal();
        }
    }

    private void refuseCreate(String reason, long revision) {
        WatchResponse refused = WatchResponse.newBuilder()
                .setWatchId(INVALID_WATCH_ID).setCreated(true).setCanceled(true).setCancelReason(reason).build();
        queue.offer(new Outgoing.Message(refused, revision, false));
    }

    /**
     * Cancels a watcher and queues its {@code canceled} response; an unknown ID is ignored with no
     * response (etcd's {@code ErrWatcherNotExist} is not sent to the client).
     */
    public void cancel(long watchId) {
        hub.lock().lock();
        try {
            if (closed) {
                return;
            }
            Watcher watcher = watchers.remove(watchId);
            if (watcher == null) {
                return;
            }
            // Queued before the watcher leaves: leaving may release a deferred progress response,
            // which must not precede this one (the client would think the watcher was up to date).
            // Holding the hub's lock, no event of the watcher can come in between.
            queue.offer(new Outgoing.Message(
                    WatchResponse.newBuilder().setWatchId(watchId).setCanceled(true).build(),
                    hub.store().currentRevision(), false));
            hub.unregister(watcher);
        } finally {
            hub.lock().unlock();
        }
        signal();
    }

    /**
     * etcd's progress request: queues an empty response with watch ID -1 whose header revision
     * {@code r} promises that every event up to {@code r} of every watcher of this stream is
     * queued before it. Sent at once when every watcher is synced; otherwise as soon as they all
     * are (several requests meanwhile give one response), as etcd 3.4.26 does.
     */
    public void requestProgress() {
        hub.lock().lock();
        try {
            if (closed) {
                return;
            }
            if (lagging == 0) {
                queueProgress(hub.notifiedRevisionLocked());
            } else {
                progressDeferred = true;
            }
        } finally {
            hub.lock().unlock();
        }
        signal();
    }

    /** The next response to send, or null when none is ready (or the stream is closed). */
    public WatchResponse poll() {
        consumerLock.lock();
        try {
            WatchResponse next = outbox.pollFirst();
            if (next != null) {
                return next;
            }
            Outgoing item = queue.poll();
            if (item == null) {
                return null;
            }
            if (item.counted() && lagging > 0) {
                hub.wakeCatchUp();  // a slot is free: a watcher of this stream that fell behind can go on
            }
            outbox.addAll(shaper.shape(item));
            return outbox.pollFirst();
        } finally {
            consumerLock.unlock();
        }
    }

    /** Like {@link #poll()}, waiting up to {@code timeout} for a response; null on timeout or close. */
    public WatchResponse poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            WatchResponse next = poll();
            if (next != null || closed) {
                return next;
            }
            if (!queue.awaitAvailable(deadline - System.nanoTime())) {
                return null;
            }
        }
    }

    /**
     * Whether fewer than {@link WatchOptions#controlBufferLength()} control responses wait: a
     * transport with inbound flow control reads the next request only then (and checks again after
     * polling).
     */
    public boolean acceptingRequests() {
        return queue.controlBacklog() < controlBufferLength;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Cancels every watcher and drops every waiting response; {@link #poll} returns null from now on. */
    @Override
    public void close() {
        hub.lock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Watcher watcher : watchers.values()) {
                hub.unregister(watcher);
            }
            watchers.clear();
            hub.streamClosed(this);
            queue.close();
        } finally {
            hub.lock().unlock();
        }
        consumerLock.lock();
        try {
            outbox.clear();
        } finally {
            consumerLock.unlock();
        }
    }

    // ---- called by the hub, holding its lock

    int room() {
        return queue.room();
    }

    /** Queues events for {@code watcher}; false when the buffer is full. */
    boolean offerEvents(Watcher watcher, List<Event> events, long revision) {
        boolean queued = queue.offer(new Outgoing.Events(watcher.id(), events, revision, watcher.prevKv(), watcher.fragment()));
        if (queued) {
            watcher.sentSinceProgressTick = true;
        }
        return queued;
    }

    /**
     * Queues etcd's compaction cancel ({@code compact_revision} set, {@code canceled}); false when
     * the buffer is full. The watcher's ID stays taken until the client cancels it, as in etcd.
     */
    boolean offerCompacted(Watcher watcher, long compactRevision, long revision) {
        WatchResponse body = WatchResponse.newBuilder()
                .setWatchId(watcher.id()).setCompactRevision(compactRevision).setCanceled(true).build();
        return queue.offer(new Outgoing.Message(body, revision, true));
    }

    /**
     * etcd's periodic progress notification: an empty response to each {@code progress_notify}
     * watcher that is synced and got no events since the last tick (skipped when the buffer is
     * full: the watcher is busy anyway).
     *
     * @return whether anything was queued
     */
    boolean progressTick(long revision) {
        boolean queued = false;
        for (Watcher watcher : watchers.values()) {
            if (!watcher.progressNotify()) {
                continue;
            }
            if (watcher.state == Watcher.State.SYNCED && !watcher.sentSinceProgressTick) {
                WatchResponse body = WatchResponse.newBuilder().setWatchId(watcher.id()).build();
                queued |= queue.offer(new Outgoing.Message(body, revision, true));
            }
            watcher.sentSinceProgressTick = false;
        }
        return queued;
    }

    void fellBehind() {
        lagging++;
    }

    /** One watcher is no longer unsynced; a deferred progress response goes out once none is. */
    void leftUnsynced(long notifiedRevision) {
        lagging--;
        if (lagging == 0 && progressDeferred) {
            progressDeferred = false;
            queueProgress(notifiedRevision);
        }
    }

    private void queueProgress(long revision) {
        queue.offer(new Outgoing.Message(WatchResponse.newBuilder().setWatchId(INVALID_WATCH_ID).build(), revision, false));
    }

    /** Tells the listener if responses wait; call with no lock held. */
    void signal() {
        if (!queue.isEmpty()) {
            listener.run();
        }
    }
}
