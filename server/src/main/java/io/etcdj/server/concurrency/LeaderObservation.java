package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3electionpb.LeaderResponse;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.ObserveSession;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.WatchSession;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * etcd's {@code Election.Observe}: the election's leader, then every change of it, in order.
 *
 * <p>It reads the leader (the key with the lowest create revision) and sends it; when there is
 * none it watches the prefix from the read's revision and sends the first key put (header
 * revision set to that key's mod revision). Then it watches the leader key from the next
 * revision, sending each put (a proclaimed value) with the watch response's header, until the key
 * is deleted; then it reads the leader again. Like etcd it ends without an error when a read
 * fails or a watch is cancelled (for example compacted past): etcd's client sees the stream end
 * with status OK. It ends with {@link io.etcdj.spi.server.EtcdError#STOPPED} when the service
 * closes.
 *
 * <p><b>Bounds.</b> While {@value #BUFFER} responses wait for the transport, the watch is not
 * read (its stream then buffers a bounded amount and catches up from history later); polling
 * resumes reading. One watch response can add its events beyond that (at most one per revision
 * of the leader key in the response). One watch stream is open at a time.
 */
final class LeaderObservation implements ObserveSession, Inflight.Stoppable {
    /** Responses waiting for the transport at which the watch is no longer read. */
    static final int BUFFER = 16;

    private enum Phase { READING, AWAITING_FIRST, FOLLOWING, ENDED }

    private final EtcdServerApi server;
    private final RequestContext context;
    private final ByteString prefix;
    private final Consumer<LeaderObservation> onEnd;
    private final SerialDrain drain;
    private volatile Runnable listener = () -> {
    };

    // Guarded by this.
    private final ArrayDeque<LeaderResponse> ready = new ArrayDeque<>();
    private Phase phase = Phase.READING;
    private WatchSession watch;
    private CompletableFuture<?> read;
    private Throwable failure;

    LeaderObservation(EtcdServerApi server, RequestContext context, Executor executor, ByteString prefix,
                      Consumer<LeaderObservation> onEnd) {
        this.server = server;
        this.context = context;
        this.prefix = prefix;
        this.onEnd = onEnd;
        this.drain = new SerialDrain(executor, this::pump);
    }

    void start() {
        readLeader();
    }

    // ---- ObserveSession

    @Override
    public LeaderResponse poll() {
        LeaderResponse next;
        boolean room;
        synchronized (this) {
            next = ready.poll();
            room = next != null && ready.size() == BUFFER - 1;
        }
        if (room) {
            drain.signal();  // the watch was left unread while the buffer was full
        }
        return next;
    }

    @Override
    public void setListener(Runnable responsesWaiting) {
        listener = responsesWaiting;
        boolean waiting;
        synchronized (this) {
            waiting = !ready.isEmpty() || phase == Phase.ENDED;
        }
        if (waiting) {
            responsesWaiting.run();
        }
    }

    @Override
    public synchronized boolean isFinished() {
        return phase == Phase.ENDED && ready.isEmpty();
    }

    @Override
    public synchronized Throwable failure() {
        return failure;
    }

    /** The transport is done with it: ends the observation and drops what was not polled. */
    @Override
    public void close() {
        end(null, true);
    }

    @Override
    public void stop(EtcdException reason) {
        end(reason, true);
    }

    // ---- the observation

    private void readLeader() {
        CompletableFuture<RangeResponse> leader;
        try {
            leader = server.range(Keys.firstCreated(prefix), context);
        } catch (RuntimeException e) {
            leader = CompletableFuture.failedFuture(e);
        }
        synchronized (this) {
            if (phase == Phase.ENDED) {
                return;
            }
            phase = Phase.READING;
            read = leader;
        }
        leader.whenComplete((response, readFailure) -> {
            if (readFailure != null) {
                end(null, false);  // etcd's observe returns on a failed read: the stream ends with OK
            } else if (response.getKvsCount() == 0) {
                startWatch(WatchCreateRequest.newBuilder().setKey(prefix).setRangeEnd(Keys.prefixEnd(prefix))
                        .setStartRevision(response.getHeader().getRevision()), Phase.AWAITING_FIRST);
            } else {
                KeyValue kv = response.getKvs(0);
                emit(LeaderResponse.newBuilder().setHeader(response.getHeader()).setKv(kv).build());
                follow(kv.getKey(), response.getHeader().getRevision() + 1);
            }
        });
    }

    private void follow(ByteString leaderKey, long fromRevision) {
        startWatch(WatchCreateRequest.newBuilder().setKey(leaderKey).setStartRevision(fromRevision), Phase.FOLLOWING);
    }

    private void startWatch(WatchCreateRequest.Builder create, Phase next) {
        WatchSession session;
        try {
            session = server.watch(context);
        } catch (RuntimeException e) {
            end(Failures.asServiceFailure(e), false);
            return;
        }
        boolean ended;
        synchronized (this) {
            ended = phase == Phase.ENDED;
            if (!ended) {
                phase = next;
                watch = session;
                read = null;
            }
        }
        if (ended) {
            session.close();
            return;
        }
        // Should the observation end from here on, end() closes the session and these are ignored.
        session.setListener(drain::signal);
        session.handle(WatchRequest.newBuilder().setCreateRequest(create).build());
    }

    /** Reads the current watch while there is room for what it says; runs on the drain only. */
    private void pump() {
        while (true) {
            WatchSession session;
            synchronized (this) {
                if (phase == Phase.ENDED || watch == null || ready.size() >= BUFFER) {
                    return;
                }
                session = watch;
            }
            WatchResponse response = session.poll();
            if (response == null) {
                return;
            }
            if (!onWatchResponse(session, response)) {
                return;
            }
        }
    }

    /** Handles one response of {@code session}; false when the watch ended (and the next step started). */
    private boolean onWatchResponse(WatchSession session, WatchResponse response) {
        Phase current;
        synchronized (this) {
            if (watch != session) {
                return false;  // a stale response of a watch we left
            }
            current = phase;
        }
        if (response.getCanceled()) {
            end(null, false);  // etcd's observe returns when its watch is cancelled: the stream ends with OK
            return false;
        }
        if (current == Phase.AWAITING_FIRST) {
            for (Event event : response.getEventsList()) {
                if (event.getType() == Event.EventType.PUT) {
                    KeyValue kv = event.getKv();
                    // As etcd: the header of the watch response, at the revision of this put.
                    emit(LeaderResponse.newBuilder()
                            .setHeader(response.getHeader().toBuilder().setRevision(kv.getModRevision()))
                            .setKv(kv).build());
                    leaveWatch(session);
                    follow(kv.getKey(), kv.getModRevision() + 1);
                    return false;
                }
            }
            return true;
        }
        for (Event event : response.getEventsList()) {
            if (event.getType() == Event.EventType.DELETE) {
                leaveWatch(session);
                readLeader();
                return false;
            }
            emit(LeaderResponse.newBuilder().setHeader(response.getHeader()).setKv(event.getKv()).build());
        }
        return true;
    }

    private void leaveWatch(WatchSession session) {
        synchronized (this) {
            if (watch == session) {
                watch = null;
            }
        }
        session.close();
    }

    private void emit(LeaderResponse response) {
        synchronized (this) {
            if (phase == Phase.ENDED) {
                return;
            }
            ready.add(response);
        }
        listener.run();
    }

    private void end(Throwable why, boolean dropWaiting) {
        WatchSession session;
        CompletableFuture<?> pendingRead;
        synchronized (this) {
            if (phase == Phase.ENDED) {
                if (dropWaiting) {
                    ready.clear();
                }
                return;
            }
            phase = Phase.ENDED;
            failure = why;
            if (dropWaiting) {
                ready.clear();
            }
            session = watch;
            watch = null;
            pendingRead = read;
            read = null;
        }
        if (session != null) {
            session.close();
        }
        if (pendingRead != null) {
            pendingRead.cancel(false);
        }
        onEnd.accept(this);
        listener.run();
    }
}
