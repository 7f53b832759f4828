package io.etcdj.server.raft;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.raft.MemoryRaftStorage;
import io.etcdj.raft.ProposalDroppedException;
import io.etcdj.raft.RaftRole;
import io.etcdj.raft.RaftStatus;
import io.etcdj.raft.RawNode;
import io.etcdj.raft.Ready;
import io.etcdj.raft.SnapshotStatus;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.SnapshotPayload;
import io.etcdj.wal.Wal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The Raft driver: one thread that owns the {@link RawNode}, the WAL and the apply step, and runs
 * the loop etcd's raftNode runs — take proposals and ticks, then for each {@link Ready}: append to
 * the WAL and fsync once for everything gathered (group commit), append to the in-memory log, apply
 * committed entries, answer reads, advance, and snapshot every {@code snapshotCount} entries.
 *
 * <p>Callers on other threads only enqueue work ({@link #propose}, {@link #readIndex}); the queue
 * is bounded ({@link #MAX_PENDING}) and a full queue fails fast with etcd's "too many requests".
 *
 * <p>In a group of several members the loop also owns the {@link PeerTransport}: messages from
 * peers enter the same queue (at most {@link #MAX_INBOUND} at a time; more are dropped, which Raft
 * tolerates) and are stepped into the node on the loop thread; each Ready's messages are sent only
 * after its entries and hard state are persisted. Elections then come from ticks; only a lone voter
 * campaigns at start. A member behind the leader's compacted log gets the leader's backend as
 * applied at that moment, streamed by the transport ({@link #sendSnapshot}), and installs it
 * ({@link #installSnapshot}).
 */
public final class RaftLoop implements AutoCloseable {
    /** Bound on proposals and reads waiting for the loop; beyond it callers get ErrTooManyRequests. */
    public static final int MAX_PENDING = 16_384;
    /** Bound on the work taken from the queue in one iteration, so a Ready stays a reasonable size. */
    private static final int MAX_DRAIN = 4_096;
    /** In-memory entries kept behind a snapshot (etcd's SnapshotCatchUpEntries), for slow followers. */
    static final long SNAPSHOT_CATCH_UP_ENTRIES = 5_000;
    /** Bound on peer messages waiting for the loop; beyond it they are dropped (Raft retransmits). */
    public static final int MAX_INBOUND = 4_096;

    private static final System.Logger LOG = System.getLogger(RaftLoop.class.getName());

    /** The apply side: the server's state machine. Called on the loop thread only. */
    public interface StateMachine {
        /**
         * Applies committed entries in order and makes the result durable-on-sync together with
         * the applied index (one backend batch); completes the proposers' futures afterwards.
         * Conf-change entries must also be handed to {@code node.applyConfChange}.
         */
        void apply(List<Entry> committed, RawNode node) throws IOException;

        /** Makes everything applied so far durable in the backend (fsync), before the WAL is truncated. */
        void syncBackend() throws IOException;

        /** Called on the loop thread when this node's role or the leader changes. */
        default void roleChanged(RaftRole role, long leader, long term) {
        }

        /**
         * Leader, on the loop thread: a point-in-time view of the backend as applied now, to send
         * to a member behind the compacted log. The spooling may happen on another thread.
         */
        SnapshotSource snapshotSource() throws IOException;

        /**
         * Follower, on a transport thread: writes a received snapshot durably to a file of its own
         * (verified), for {@link #restoreSnapshot} once Raft accepts it.
         */
        Path receiveSnapshot(SnapshotMetadata metadata, InputStream data, long size) throws IOException;

        /**
         * Follower, on the loop thread, after the snapshot mark is in the WAL: replaces the backend
         * with the snapshot's data and rebuilds every structure derived from it. The file is
         * deleted afterwards by the caller.
         */
        void restoreSnapshot(Path file, SnapshotMetadata metadata) throws IOException;
    }

    /** A backend view taken on the loop thread, spooled into a payload off it. */
    public interface SnapshotSource {
        SnapshotPayload spool() throws IOException;

        /** Releases the view without spooling (the transfer was abandoned). */
        void discard();
    }

    /** What the server answers for its peers: removed members, and peer requests. Called on transport threads. */
    public interface PeerServices {
        boolean isRemoved(long memberId);

        byte[] serve(String method, byte[] request) throws IOException;

        /** A peer said this member was removed from the cluster. */
        void removedFromCluster();
    }

    private sealed interface Work permits Proposal, ReadRequest, Inbound, PeerUnreachable, Stop, ConfProposal,
            StatusQuery, SnapshotReport, InboundSnapshot, TransferLeader {
    }

    private record ConfProposal(ConfChange change, CompletableFuture<Void> accepted) implements Work {
    }

    private record StatusQuery(CompletableFuture<RaftStatus> status) implements Work {
    }

    private record SnapshotReport(long memberId, boolean delivered) implements Work {
    }

    private record InboundSnapshot(Message message, Path file) implements Work {
    }

    private record TransferLeader(long transferee) implements Work {
    }

    private record Inbound(Message message) implements Work {
    }

    private record PeerUnreachable(long memberId) implements Work {
    }

    private record Proposal(byte[] data, CompletableFuture<Void> accepted) implements Work {
    }

    private record ReadRequest(long id, CompletableFuture<Long> index) implements Work {
    }

    private record Stop() implements Work {
    }

    private record ConfirmedRead(long index, CompletableFuture<Long> future) {
    }

    private final RawNode node;
    private final MemoryRaftStorage storage;
    private final Wal wal;
    private final StateMachine stateMachine;
    private final long tickNanos;
    private final long snapshotCount;
    private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(MAX_PENDING);
    private final List<ReadRequest> readsAwaitingIndex = new ArrayList<>();
    /** Reads whose index is known, waiting for the apply to reach it: (index, future), in index order. */
    private final java.util.ArrayDeque<ConfirmedRead> readsAwaitingApply = new java.util.ArrayDeque<>();
    private final AtomicLong readIds = new AtomicLong();
    private final Thread thread;
    private volatile boolean running;
    /**
     * Set by the loop thread just before its final drain of the queue: from then on nothing taken
     * from the queue is handled, so work offered after it must be failed by its offerer.
     */
    private volatile boolean drained;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile Throwable failure;
    private long snapshotIndex;
    private int initialTickAdvance;

    // Observed by Status and metrics from other threads.
    private volatile long term;
    private volatile long leader;
    private volatile long committedIndex;
    private volatile long appliedIndex;
    private final AtomicLong fsyncs = new AtomicLong();

    /** Null for a member alone in its group: a lone voter exchanges no messages. */
    private final PeerTransport peers;
    private final PeerHandler peerHandler;
    private final AtomicInteger inboundQueued = new AtomicInteger();
    private final AtomicLong inboundDropped = new AtomicLong();
    /** Received snapshot files by Raft index, until Raft installs or supersedes them. */
    private final Map<Long, Path> receivedSnapshots = new HashMap<>();
    /** Spools leader snapshots and hands them to the transport, off the loop thread. */
    private final java.util.concurrent.ExecutorService snapshotSender =
            java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("etcdj-snapshot-sender").factory());
    private volatile PeerServices peerServices;
    private final io.etcdj.server.stats.PeerStats peerStats = new io.etcdj.server.stats.PeerStats();
    private volatile io.etcdj.server.stats.ServerMetrics metrics;
    /** When the current leader (as this member knows it) took over, for /v2/stats/self. */
    private volatile java.time.Instant leaderSince;
    private volatile RaftRole role = RaftRole.FOLLOWER;
    /** Since when (System.nanoTime) each peer has been heard from without an unreachable report between (etcd's ActiveSince). */
    private final Map<Long, Long> peerActiveSince = new java.util.concurrent.ConcurrentHashMap<>();
    /** Set when this member learned it was removed from the cluster: the loop stops, the process exits 0. */
    private volatile boolean removed;

    /**
     * @param peers creates the peer transport given the handler that feeds this loop, or null for a
     *              member alone in its group; the loop closes the transport when it closes (the
     *              caller starts it and adds the peers)
     */
    public RaftLoop(RawNode node, MemoryRaftStorage storage, Wal wal, StateMachine stateMachine,
                    long heartbeatMillis, long snapshotCount, long snapshotIndex,
                    Function<PeerTransportConfig.Handler, PeerTransport> peers) {
        this.node = node;
        this.storage = storage;
        this.wal = wal;
        this.stateMachine = stateMachine;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        this.snapshotCount = snapshotCount;
        this.snapshotIndex = snapshotIndex;
        this.thread = new Thread(this::run, "etcdj-raft");
        this.term = node.term();
        this.appliedIndex = snapshotIndex;
        this.peerHandler = new PeerHandler();
        this.peers = peers == null ? null : peers.apply(peerHandler);
    }

    /** The peer transport, or null for a member alone in its group. */
    public PeerTransport peers() {
        return peers;
    }

    /** Called from the transport's threads: queue for the loop thread, never block. */
    private final class PeerHandler implements PeerTransportConfig.Handler {
        @Override
        public void receive(Message message) {
            if (drained) {
                return;  // the loop has ended; before it starts, messages wait in the queue
            }
            if (inboundQueued.incrementAndGet() > MAX_INBOUND || !queue.offer(new Inbound(message))) {
                inboundQueued.decrementAndGet();
                if (inboundDropped.getAndIncrement() % 1_000 == 0) {
                    LOG.log(System.Logger.Level.WARNING, "dropped a {0} from {1}: the raft loop is behind",
                            message.getType(), Long.toHexString(message.getFrom()));
                }
            }
        }

        @Override
        public void unreachable(long memberId) {
            if (!drained) {
                queue.offer(new PeerUnreachable(memberId));  // best effort: a full queue drops the report
            }
        }

        @Override
        public void receiveSnapshot(Message message, InputStream data, long size) throws IOException {
            if (drained) {
                throw new IOException("etcdserver: server stopped");
            }
            Path file = stateMachine.receiveSnapshot(message.getSnapshot().getMetadata(), data, size);
            if (!queue.offer(new InboundSnapshot(message, file))) {
                Files.deleteIfExists(file);
                throw new IOException("etcdserver: too many requests; the raft loop is behind");
            }
        }

        @Override
        public void snapshotStatus(long memberId, boolean delivered) {
            if (!drained) {
                queue.offer(new SnapshotReport(memberId, delivered));
            }
        }

        @Override
        public boolean isRemoved(long memberId) {
            PeerServices services = peerServices;
            return services != null && services.isRemoved(memberId);
        }

        @Override
        public void removedFromCluster() {
            PeerServices services = peerServices;
            if (services != null) {
                services.removedFromCluster();
            }
        }

        @Override
        public byte[] serve(String method, byte[] request) throws IOException {
            PeerServices services = peerServices;
            if (services == null) {
                throw new IOException("etcdserver: not started");
            }
            return services.serve(method, request);
        }
    }

    /** The server's answers to its peers; set before {@link #start()}. */
    public void setPeerServices(PeerServices services) {
        this.peerServices = services;
    }

    /**
     * Starts the loop: first replays what the WAL holds beyond the backend, then, when this member
     * is the group's only voter, campaigns. The returned future completes once both are done (a
     * lone voter then leads; in every case its state — data and members — includes every entry
     * this member knows committed), or fails with why the loop stopped first. With several voters
     * the leader is elected later, through ticks and messages.
     */
    public CompletableFuture<Void> start() {
        running = true;
        thread.start();
        return caughtUp;
    }

    /** Queues data for the log; completes when the node took it (not when it commits). */
    public CompletableFuture<Void> propose(byte[] data) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        offer(new Proposal(data, accepted), accepted);
        return accepted;
    }

    /** Queues a membership change; completes when the node took it (the apply step answers its ID). */
    public CompletableFuture<Void> proposeConfChange(ConfChange change) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        offer(new ConfProposal(change, accepted), accepted);
        return accepted;
    }

    /** The Raft core's status (with every member's progress on the leader), read on the loop thread. */
    public CompletableFuture<RaftStatus> status() {
        CompletableFuture<RaftStatus> status = new CompletableFuture<>();
        offer(new StatusQuery(status), status);
        return status;
    }

    /** Asks the leader to hand leadership to {@code transferee} (etcd's MoveLeader); best effort. */
    public void transferLeadership(long transferee) {
        CompletableFuture<Void> ignored = new CompletableFuture<>();
        offer(new TransferLeader(transferee), ignored);
    }

    /**
     * This member was removed from the cluster (its removal applied, or a peer said so): the loop
     * stops after the current step; {@link #removed()} then tells the process to exit as etcd does.
     * Safe on any thread, the loop's included.
     */
    public void stopRemoved() {
        removed = true;
        running = false;
        queue.offer(new Stop());
    }

    /**
     * Since when (System.nanoTime) the peer has been heard from continuously, or 0 when it is not
     * (never heard from, or reported unreachable since): etcd's transport ActiveSince, which its
     * reconfiguration checks use.
     */
    public long peerActiveSince(long memberId) {
        Long since = peerActiveSince.get(memberId);
        return since == null ? 0 : since;
    }

    /** Where the loop records WAL fsync latency, leader changes and peer round trips; before {@link #start()}. */
    public void setMetrics(io.etcdj.server.stats.ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Raft traffic counters for /v2/stats. */
    public io.etcdj.server.stats.PeerStats peerStats() {
        return peerStats;
    }

    /** When the current leader took over as this member saw it, or null before any leader. */
    public java.time.Instant leaderSince() {
        return leaderSince;
    }

    public RaftRole role() {
        return role;
    }

    /** True once this member knows it was removed from the cluster. */
    public boolean removed() {
        return removed;
    }

    /** A linearizable read point: completes with an index once it is safe to read after applying it. */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> index = new CompletableFuture<>();
        offer(new ReadRequest(readIds.incrementAndGet(), index), index);
        return index;
    }

    private void offer(Work work, CompletableFuture<?> future) {
        if (!running || failure != null) {
            future.completeExceptionally(EtcdError.STOPPED.exception());
        } else if (!queue.offer(work)) {
            future.completeExceptionally(EtcdError.TOO_MANY_REQUESTS.exception());
        } else if (drained) {
            // The loop stopped between the check above and the offer, and its final drain may have
            // missed this work: nobody would ever complete it. (If the drain did take it, it was
            // failed there and this second completion does nothing.)
            queue.remove(work);
            future.completeExceptionally(EtcdError.STOPPED.exception());
        }
    }

    public long term() {
        return term;
    }

    public long leader() {
        return leader;
    }

    public long committedIndex() {
        return committedIndex;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long fsyncCount() {
        return fsyncs.get();
    }

    /** Why the loop stopped on its own (an I/O error on the WAL or backend), or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Completes once the loop thread has ended, on a close or on a fatal error, after every queued
     * proposal and read was failed with ErrStopped. Work accepted before (proposals the node took)
     * may still have callers waiting for an apply that will not come: the server fails those.
     */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Ticks to advance at start when other voters exist (etcd advances election ticks - 2 once its
     * peers are connected, with {@code --initial-election-tick-advance}, the default). Call before
     * {@link #start()}.
     */
    public void advanceInitialElectionTicks(int ticks) {
        this.initialTickAdvance = Math.max(0, ticks);
    }

    private void run() {
        try {
            drainReady();  // replay committed entries the backend has not applied yet
            ConfState cs = node.confState();
            if (cs.getVotersCount() == 1 && cs.getVoters(0) == node.id()) {
                node.campaign();  // a single voter need not wait an election timeout
            } else {
                // etcd's --initial-election-tick-advance: start close to the election timeout so a
                // fresh cluster elects its first leader in about one tick instead of a full timeout.
                for (int i = 0; i < initialTickAdvance; i++) {
                    node.tick();
                }
            }
            drainReady();
            caughtUp.complete(null);
            long nextTick = System.nanoTime() + tickNanos;
            List<Work> batch = new ArrayList<>();
            while (running) {
                long wait = nextTick - System.nanoTime();
                Work first = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_DRAIN);
                    for (Work w : batch) {
                        handle(w);
                    }
                    batch.clear();
                }
                if (System.nanoTime() - nextTick >= 0) {
                    node.tick();
                    nextTick += tickNanos;
                    if (System.nanoTime() - nextTick > 10 * tickNanos) {
                        nextTick = System.nanoTime() + tickNanos;  // do not burst ticks after a stall
                    }
                }
                drainReady();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            caughtUp.completeExceptionally(t);
            LOG.log(System.Logger.Level.ERROR, "raft loop stopped on a fatal error; the server stops serving writes", t);
        } finally {
            running = false;
            drained = true;
            failPending();
            caughtUp.completeExceptionally(EtcdError.STOPPED.exception());  // closed while starting
            terminated.complete(null);
        }
    }

    private void handle(Work w) {
        switch (w) {
            case Proposal p -> {
                try {
                    node.propose(p.data());
                    p.accepted().complete(null);
                } catch (ProposalDroppedException e) {
                    p.accepted().completeExceptionally(EtcdError.NO_LEADER.exception());
                }
            }
            case ReadRequest r -> {
                try {
                    byte[] ctx = ByteBuffer.allocate(8).putLong(r.id()).array();
                    node.readIndex(ctx);
                    readsAwaitingIndex.add(r);
                } catch (ProposalDroppedException e) {
                    r.index().completeExceptionally(EtcdError.NO_LEADER.exception());
                }
            }
            case Inbound in -> {
                inboundQueued.decrementAndGet();
                long now = System.nanoTime();
                peerActiveSince.putIfAbsent(in.message().getFrom(), now);
                switch (in.message().getType()) {
                    case MsgApp -> peerStats.appendReceived();
                    case MsgHeartbeatResp -> {
                        long rtt = peerStats.heartbeatAnswered(in.message().getFrom(), now);
                        if (rtt >= 0 && metrics != null) {
                            metrics.peerRoundTrip(in.message().getFrom(), rtt);
                        }
                    }
                    default -> {
                    }
                }
                try {
                    node.step(in.message());
                } catch (IllegalArgumentException e) {
                    // a peer sent a message type only the node itself may create: refuse it, keep serving
                    LOG.log(System.Logger.Level.WARNING, "ignored a message from {0}: {1}",
                            Long.toHexString(in.message().getFrom()), e.getMessage());
                }
            }
            case PeerUnreachable u -> {
                peerActiveSince.remove(u.memberId());
                peerStats.failed(u.memberId());
                node.reportUnreachable(u.memberId());
            }
            case Stop s -> running = false;
            case ConfProposal c -> {
                try {
                    node.proposeConfChange(c.change());
                    c.accepted().complete(null);
                } catch (ProposalDroppedException e) {
                    c.accepted().completeExceptionally(EtcdError.NO_LEADER.exception());
                }
            }
            case StatusQuery q -> q.status().complete(node.status());
            case SnapshotReport r -> node.reportSnapshot(r.memberId(),
                    r.delivered() ? SnapshotStatus.FINISHED : SnapshotStatus.FAILED);
            case InboundSnapshot in -> {
                long index = in.message().getSnapshot().getMetadata().getIndex();
                Path previous = receivedSnapshots.put(index, in.file());
                if (previous != null && !previous.equals(in.file())) {
                    deleteQuietly(previous);
                }
                node.step(in.message());
            }
            case TransferLeader t -> node.transferLeadership(t.transferee());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete snapshot file " + file, e);
        }
    }

    private void drainReady() throws IOException {
        while (node.hasReady()) {
            Ready rd = node.ready();
            if (rd.snapshot() != null) {
                installSnapshot(rd.snapshot());
            }
            // 1. Persist before anything of this Ready becomes visible (group commit: one fsync).
            if (rd.hardState() != null || !rd.entries().isEmpty()) {
                wal.save(rd.hardState(), rd.entries());
            }
            if (rd.mustSync()) {
                long start = System.nanoTime();
                wal.sync();
                if (metrics != null) {
                    metrics.walFsync(System.nanoTime() - start);
                }
                fsyncs.incrementAndGet();
            }
            storage.append(rd.entries());
            if (rd.hardState() != null) {
                storage.setHardState(rd.hardState());
            }
            // 2. Messages, now that what they acknowledge is durable.
            send(rd.messages());
            // 3. Apply.
            if (!rd.committedEntries().isEmpty()) {
                stateMachine.apply(rd.committedEntries(), node);
                appliedIndex = rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex();
            }
            if (rd.softState() != null) {
                if (rd.softState().leader() != leader) {
                    leaderSince = java.time.Instant.now();
                    if (metrics != null && rd.softState().leader() != 0) {
                        metrics.leaderChanged();
                    }
                }
                role = rd.softState().role();
                leader = rd.softState().leader();
                stateMachine.roleChanged(rd.softState().role(), leader, node.term());
            }
            term = node.term();
            committedIndex = node.committedIndex();
            node.advance(rd);
            // 4. Reads: answered once the apply reached their index.
            for (Ready.ReadState rs : rd.readStates()) {
                confirmReads(rs);
            }
            while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.peekFirst().index() <= appliedIndex) {
                ConfirmedRead r = readsAwaitingApply.pollFirst();
                r.future().complete(r.index());
            }
            maybeSnapshot();
        }
    }

    /**
     * Installs a snapshot from the leader (etcd's applySnapshot): the mark goes into the WAL first
     * (synced), then the backend is replaced from the received file, which is deleted only after;
     * a crash in between leaves the file for the restart to finish the job (see Bootstrap).
     */
    private void installSnapshot(Snapshot snapshot) throws IOException {
        SnapshotMetadata md = snapshot.getMetadata();
        Path file = receivedSnapshots.remove(md.getIndex());
        if (file == null) {
            throw new IllegalStateException("etcdserver: raft accepted a snapshot at index " + md.getIndex()
                    + " whose data was never received");
        }
        System.Logger etcdserver = System.getLogger("etcdserver");
        etcdserver.log(System.Logger.Level.INFO, "applying snapshot at index {0}...", Long.toString(md.getIndex()));
        wal.saveSnapshot(md);  // synced
        fsyncs.incrementAndGet();
        storage.applySnapshot(snapshot);
        stateMachine.restoreSnapshot(file, md);
        deleteQuietly(file);
        for (Path stale : receivedSnapshots.values()) {
            deleteQuietly(stale);  // older offers the core did not take
        }
        receivedSnapshots.clear();
        wal.releaseTo(md.getIndex());
        snapshotIndex = md.getIndex();
        appliedIndex = md.getIndex();
        etcdserver.log(System.Logger.Level.INFO, "finished applying incoming snapshot at index {0}", Long.toString(md.getIndex()));
    }

    /** Sends the messages; a MsgSnap carries the backend as applied now, streamed by the transport. */
    private void send(List<Message> messages) {
        if (messages.isEmpty() || peers == null) {
            return;  // a lone voter has nobody to talk to
        }
        for (Message m : messages) {
            if (m.getType() == MessageType.MsgSnap) {
                sendSnapshot(m);
            } else {
                if (m.getType() == MessageType.MsgApp) {
                    peerStats.appendSent();
                } else if (m.getType() == MessageType.MsgHeartbeat) {
                    peerStats.heartbeatSent(m.getTo(), System.nanoTime());
                }
                peers.send(m);
            }
        }
    }

    /**
     * As etcd's createMergedSnapshotMessage: the snapshot sent is the backend as applied right now,
     * so its metadata is rewritten to the applied index, its term and the configuration applied.
     */
    private void sendSnapshot(Message m) {
        long applied = node.appliedIndex();
        SnapshotSource source;
        SnapshotMetadata md;
        try {
            md = SnapshotMetadata.newBuilder().setIndex(applied).setTerm(storage.term(applied))
                    .setConfState(node.confState()).build();
            source = stateMachine.snapshotSource();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot take a snapshot for member " + Long.toHexString(m.getTo()), e);
            node.reportSnapshot(m.getTo(), SnapshotStatus.FAILED);
            return;
        }
        Message out = m.toBuilder().setSnapshot(Snapshot.newBuilder().setMetadata(md)).build();
        LOG.log(System.Logger.Level.INFO, "sending a snapshot at index {0} to member {1}", Long.toString(applied), Long.toHexString(m.getTo()));
        try {
            snapshotSender.execute(() -> {
                SnapshotPayload payload;
                try {
                    payload = source.spool();
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "spooling a snapshot for member " + Long.toHexString(m.getTo()) + " failed", e);
                    peerHandler.snapshotStatus(m.getTo(), false);
                    return;
                }
                peers.sendSnapshot(out, payload);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            source.discard();  // closing
        }
    }

    private void confirmReads(Ready.ReadState rs) {
        long id = ByteBuffer.wrap(rs.context()).getLong();
        for (var it = readsAwaitingIndex.iterator(); it.hasNext(); ) {
            ReadRequest r = it.next();
            if (r.id() <= id) {
                // Reads queued before this one are confirmed by the same round (etcd batches them alike).
                readsAwaitingApply.addLast(new ConfirmedRead(rs.index(), r.index()));
                it.remove();
            }
        }
    }

    private void maybeSnapshot() throws IOException {
        long applied = node.appliedIndex();
        // As etcd (appliedi - snapi > SnapshotCount): a snapshot once MORE than snapshotCount entries were applied.
        if (applied - snapshotIndex <= snapshotCount) {
            return;
        }
        // The backend is the snapshot's data: make it durable before the WAL forgets the entries.
        stateMachine.syncBackend();
        ConfState cs = node.confState();
        storage.createSnapshot(applied, cs, null);
        wal.saveSnapshot(SnapshotMetadata.newBuilder().setIndex(applied).setTerm(storage.term(applied))
                .setConfState(cs).build());
        wal.sync();
        fsyncs.incrementAndGet();
        wal.releaseTo(applied);
        long compactTo = applied - SNAPSHOT_CATCH_UP_ENTRIES;
        if (compactTo > storage.firstIndex()) {
            storage.compact(compactTo);
        }
        LOG.log(System.Logger.Level.INFO, "saved snapshot at index {0}; compacted raft log to {1}", Long.toString(applied),
                Long.toString(Math.max(compactTo, storage.firstIndex() - 1)));
        snapshotIndex = applied;
    }

    private void failPending() {
        List<Work> left = new ArrayList<>();
        queue.drainTo(left);
        for (Work w : left) {
            switch (w) {
                case Proposal p -> p.accepted().completeExceptionally(EtcdError.STOPPED.exception());
                case ReadRequest r -> r.index().completeExceptionally(EtcdError.STOPPED.exception());
                case Inbound in -> inboundQueued.decrementAndGet();
                case ConfProposal c -> c.accepted().completeExceptionally(EtcdError.STOPPED.exception());
                case StatusQuery q -> q.status().completeExceptionally(EtcdError.STOPPED.exception());
                case InboundSnapshot in -> deleteQuietly(in.file());
                case PeerUnreachable u -> {
                }
                case SnapshotReport r -> {
                }
                case TransferLeader t -> {
                }
                case Stop s -> {
                }
            }
        }
        for (ReadRequest r : readsAwaitingIndex) {
            r.index().completeExceptionally(EtcdError.STOPPED.exception());
        }
        readsAwaitingIndex.clear();
        for (ConfirmedRead r : readsAwaitingApply) {
            r.future().completeExceptionally(EtcdError.STOPPED.exception());
        }
        readsAwaitingApply.clear();
    }

    /** Stops the loop after the work already taken; pending callers get ErrStopped. */
    @Override
    public void close() {
        if (running) {
            running = false;
            queue.offer(new Stop());
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            snapshotSender.shutdownNow();
            if (peers != null) {
                peers.close();
            }
            for (Path file : receivedSnapshots.values()) {
                deleteQuietly(file);
            }
        }
    }
}
