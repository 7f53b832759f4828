package io.etcdj.server;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.api.serverpb.Attributes;
import io.etcdj.api.serverpb.ClusterMemberAttrSetRequest;
import io.etcdj.api.serverpb.ClusterVersionSetRequest;
import io.etcdj.api.serverpb.InternalRaftRequest;
import io.etcdj.api.serverpb.RequestHeader;
import io.etcdj.lease.Lessor;
import io.etcdj.lease.LeaseTimeToLive;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.watch.WatchHub;
import io.etcdj.mvcc.watch.WatchStream;
import io.etcdj.server.maintenance.Alarms;
import io.etcdj.server.maintenance.BackendSnapshot;
import io.etcdj.spi.server.SnapshotStream;
import io.etcdj.spi.server.WatchSession;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import io.etcdj.mvcc.kv.CompactionResult;
import io.etcdj.mvcc.kv.KvApplier;
import io.etcdj.mvcc.kv.KvRequests;
import io.etcdj.mvcc.kv.KvResult;
import io.etcdj.raft.RaftRole;
import io.etcdj.server.apply.ApplyPipeline;
import io.etcdj.server.apply.Waiters;
import io.etcdj.server.membership.Membership;
import io.etcdj.server.raft.RaftLoop;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.store.Backend;
import io.etcdj.wal.Wal;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The server facade every client transport calls (etcd's {@code EtcdServer} with its
 * {@code v3_server.go} methods): validates, proposes writes through Raft and waits for their apply,
 * serves reads locally (after a ReadIndex round unless serializable), and fills response headers.
 * Built and started by {@link Bootstrap}; owns nothing it did not open.
 *
 * <p><b>Threads.</b> Every method may be called from any thread and never blocks on Raft. The
 * returned futures complete on the server's caller threads (virtual threads), never on the Raft
 * loop or a timer thread: a caller's callback may block, even on another request of this server,
 * without stalling the cluster. Failures, validation errors included, complete the future with an
 * {@link EtcdException}; nothing is thrown.
 *
 * <p><b>Stopping.</b> After {@link #close()} starts, every request, including those waiting for
 * their apply or read index, fails with ErrStopped.
 */
public final class EtcdServer implements EtcdServerApi, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("etcdserver");

    /** The cluster version a 3.4 member runs; clients gate features on it. */
    public static final String CLUSTER_VERSION = "3.4.0";

    private final ServerIdentity identity;
    private final Backend backend;
    private final Wal wal;
    private final MvccStore store;
    private final KvApplier kv;
    private final Membership membership;
    private final Lessor lessor;
    private final Alarms alarms;
    private final WatchHub watchHub;
    private final List<String> buckets;
    private final Path snapshotSpoolDir;
    private final long quotaBytes;
    private final Waiters waiters;
    private final RaftLoop raft;
    private final ApplyPipeline applier;
    private final int maxRequestBytes;
    private final int maxTxnOps;
    private final Duration requestTimeout;
    private final AtomicLong requestIds;
    /** Runs linearizable reads and completes callers' futures (see the class comment). */
    private final ExecutorService callerExecutor;
    private final CompletableFuture<Void> published = new CompletableFuture<>();
    /** v3lock and v3election, served on top of this facade as etcd serves them on its own client. */
    private final io.etcdj.server.concurrency.LockService locks;
    private final io.etcdj.server.concurrency.ElectionService elections;
    /** Local reads hold the read lock; {@link #close()} takes the write lock to stop them before closing the store. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean stopped;  // guarded by lifecycle

    /** The leader's lease expiry loop, as etcd: every 500 ms, revoke what expired, by proposal. */
    private final ScheduledExecutorService leaseExpiry =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("etcdj-lease-expiry").factory());
    /** Bound on lease revokes in flight from the expiry loop (etcd's maxPendingRevokes). */
    static final int MAX_PENDING_REVOKES = 16;
    private final java.util.concurrent.Semaphore pendingRevokes = new java.util.concurrent.Semaphore(MAX_PENDING_REVOKES);
    private final io.etcdj.server.membership.MemberService members;
    private final long tickMillis;
    private final java.time.Instant startTime = java.time.Instant.now();
    private final io.etcdj.server.stats.ServerMetrics metrics;
    private final io.etcdj.v2store.V2Service v2;
    private volatile boolean v2Enabled = true;

    EtcdServer(ServerIdentity identity, Backend backend, Wal wal, MvccStore store, KvApplier kv, Membership membership,
               Lessor lessor, Alarms alarms, WatchHub watchHub, List<String> buckets, Path snapshotSpoolDir,
               long quotaBytes, Waiters waiters, RaftLoop raft, ApplyPipeline applier, int maxRequestBytes,
               int maxTxnOps, Duration requestTimeout, boolean strictReconfigCheck, long tickMillis,
               io.etcdj.v2store.V2Service v2) {
        this.v2 = v2;
        this.tickMillis = tickMillis;
        this.identity = identity;
        this.backend = backend;
        this.wal = wal;
        this.store = store;
        this.kv = kv;
        this.membership = membership;
        this.lessor = lessor;
        this.alarms = alarms;
        this.watchHub = watchHub;
        this.buckets = List.copyOf(buckets);
        this.snapshotSpoolDir = snapshotSpoolDir;
        this.quotaBytes = quotaBytes;
        this.waiters = waiters;
        this.raft = raft;
        this.applier = applier;
        this.maxRequestBytes = maxRequestBytes;
        this.maxTxnOps = maxTxnOps;
        this.requestTimeout = requestTimeout;
        // etcd's idutil: the member ID's low 16 bits, then milliseconds, then a counter — unique across restarts.
        this.requestIds = new AtomicLong(((identity.memberId() & 0xffffL) << 48)
                | ((System.currentTimeMillis() & 0xff_ffff_ffffL) << 8));
        this.callerExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("etcdj-caller-", 0).factory());
        // Proposals the node took before the loop stopped will never be applied now: tell their callers.
        raft.terminated().thenRun(() -> waiters.failAll(EtcdError.STOPPED.exception()));
        leaseExpiry.scheduleWithFixedDelay(this::revokeExpiredLeases, 500, 500, TimeUnit.MILLISECONDS);
        long sync = io.etcdj.v2store.V2Requests.SYNC_INTERVAL.toMillis();
        leaseExpiry.scheduleWithFixedDelay(this::expireV2Keys, sync, sync, TimeUnit.MILLISECONDS);
        this.members = new io.etcdj.server.membership.MemberService(identity.memberId(), membership, raft, waiters,
                requestIds::incrementAndGet, () -> header(store.currentRevision()).toBuilder().clearRevision().build(),
                strictReconfigCheck, requestTimeout, () -> System.currentTimeMillis() / 1000);
        raft.setPeerServices(new PeerServices());
        this.metrics = new io.etcdj.server.stats.ServerMetrics(
                () -> raft.leader() != 0 ? 1 : 0, () -> raft.leader() == identity.memberId() ? 1 : 0,
                raft::committedIndex, raft::appliedIndex, () -> backend.stats().sizeBytes(),
                () -> backend.stats().sizeInUseBytes(), store::currentRevision);
        raft.setMetrics(metrics);
        applier.setMetrics(metrics);
        this.locks = new io.etcdj.server.concurrency.LockService(this, callerExecutor);
        this.elections = new io.etcdj.server.concurrency.ElectionService(this, callerExecutor);
    }

    private void revokeExpiredLeases() {
        try {
            int room = pendingRevokes.availablePermits();
            for (long id : lessor.expiredLeases(room)) {
                if (!pendingRevokes.tryAcquire()) {
                    break;
                }
                LOG.log(System.Logger.Level.DEBUG, "revoking expired lease {0}", Long.toHexString(id));
                this.<Object>propose(InternalRaftRequest.newBuilder()
                                .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)))
                        .whenComplete((r, failure) -> pendingRevokes.release());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "lease expiry round failed; retrying", e);
        }
    }

    /** {@code --enable-v2}; set before the client transports start. */
    public void setV2Enabled(boolean enabled) {
        this.v2Enabled = enabled;
    }

    /** etcd's v2 TTL expiry: the leader proposes a SYNC with its clock while the v2 store has TTL keys. */
    private void expireV2Keys() {
        try {
            if (raft.leader() == identity.memberId() && v2.hasTtlKeys()) {
                this.<Object>propose(InternalRaftRequest.newBuilder().setV2(
                        io.etcdj.v2store.V2Requests.sync(0, java.time.Instant.now())));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "v2 expiry round failed; retrying", e);
        }
    }

    // ---- v2

    @Override
    public CompletableFuture<io.etcdj.spi.server.V2Answer> v2(io.etcdj.api.serverpb.V2Request request,
                                                              RequestContext context) {
        if (!v2Enabled) {
            return CompletableFuture.failedFuture(new EtcdException(io.etcdj.spi.server.StatusCode.UNIMPLEMENTED,
                    "etcdj: the v2 API is disabled (--enable-v2=false)"));
        }
        switch (io.etcdj.v2store.V2Requests.route(request)) {
            case PROPOSE -> {
                return toCaller(this.<io.etcdj.spi.server.V2Answer>propose(InternalRaftRequest.newBuilder()
                        .setV2(io.etcdj.v2store.V2Requests.forProposal(request))));
            }
            case WATCH -> {
                return serveLocally(() -> v2.watch(request, raft.committedIndex(), raft.term()));
            }
            default -> {
                return serveLocally(() -> v2.read(request, raft.committedIndex(), raft.term()));
            }
        }
    }

    @Override
    public boolean v2Enabled() {
        return v2Enabled;
    }

    @Override
    public String serverVersion() {
        return Versions.ETCD_VERSION;
    }

    @Override
    public String clusterVersion() {
        return membership.clusterVersion();
    }

    @Override
    public CompletableFuture<byte[]> v2SelfStats(RequestContext context) {
        var self = membership.member(identity.memberId());
        String state = switch (raft.role()) {
            case LEADER -> "StateLeader";
            case CANDIDATE -> "StateCandidate";
            case PRE_CANDIDATE -> "StatePreCandidate";
            default -> "StateFollower";
        };
        var stats = raft.peerStats();
        String json = io.etcdj.server.stats.V2StatsJson.self(new io.etcdj.server.stats.V2StatsJson.Self(
                self == null ? "" : self.getName(), identity.memberId(), state, startTime, raft.leader(),
                raft.leaderSince(), java.time.Instant.now(), stats.receivedAppends(), stats.sentAppends()));
        return CompletableFuture.completedFuture(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<byte[]> v2LeaderStats(RequestContext context) {
        if (raft.leader() != identity.memberId()) {
            return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
        }
        var followers = new java.util.TreeMap<>(raft.peerStats().followers());
        followers.keySet().removeIf(id -> membership.member(id) == null);
        String json = io.etcdj.server.stats.V2StatsJson.leader(identity.memberId(), followers);
        return CompletableFuture.completedFuture(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<byte[]> metrics(RequestContext context) {
        return CompletableFuture.completedFuture(metrics.scrape());
    }

    @Override
    public CompletableFuture<byte[]> v2StoreStats(RequestContext context) {
        return serveLocally(v2::storeStatsJson);
    }

    public ServerIdentity identity() {
        return identity;
    }

    /** The key space's current revision (as applied on this member). */
    public long currentRevision() {
        return store.currentRevision();
    }

    /**
     * Makes this member known to the cluster as etcd does after start: proposes its name and client
     * URLs (and, as leader, the cluster version), and completes once applied. As etcd, it retries
     * while there is no leader or the proposal timed out (a member of a new cluster starts before
     * its peers); it fails on any other error, or with ErrStopped when the server closes.
     */
    public CompletableFuture<Void> publish(String name, List<String> clientUrls) {
        InternalRaftRequest.Builder attrs = InternalRaftRequest.newBuilder().setClusterMemberAttrSet(
                ClusterMemberAttrSetRequest.newBuilder().setMemberID(identity.memberId())
                        .setMemberAttributes(Attributes.newBuilder().setName(name).addAllClientUrls(clientUrls)));
        publishAttempt(attrs, name, clientUrls);
        return toCaller(published);
    }

    /** Pause between publish attempts while there is no leader (etcd retries at once after its timeout). */
    private static final long PUBLISH_RETRY_MILLIS = 100;

    private void publishAttempt(InternalRaftRequest.Builder attrs, String name, List<String> clientUrls) {
        propose(attrs.clone()).whenComplete((ok, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // After close the proposal fails with ErrStopped, which ends the retries.
                boolean retry = cause instanceof EtcdException e
                        && (e.error() == EtcdError.NO_LEADER || e.error() == EtcdError.TIMEOUT);
                if (retry) {
                    LOG.log(System.Logger.Level.INFO, "publish error: {0}; retrying", cause.getMessage());
                    CompletableFuture.delayedExecutor(PUBLISH_RETRY_MILLIS, TimeUnit.MILLISECONDS)
                            .execute(() -> publishAttempt(attrs, name, clientUrls));
                } else {
                    published.completeExceptionally(cause);
                }
                return;
            }
            LOG.log(System.Logger.Level.INFO, "published {Name:" + name + " ClientURLs:" + goList(clientUrls)
                    + "} to cluster " + Long.toHexString(identity.clusterId()));
            published.complete(null);
            if (applier.role() == RaftRole.LEADER && !CLUSTER_VERSION.equals(membership.clusterVersion())) {
                LOG.log(System.Logger.Level.INFO, "setting up the initial cluster version to {0}", "3.4");
                propose(InternalRaftRequest.newBuilder().setClusterVersionSet(
                        ClusterVersionSetRequest.newBuilder().setVer(CLUSTER_VERSION)));
            }
        });
    }

    private static String goList(List<String> items) {
        return "[" + String.join(" ", items) + "]";
    }

    // ---- KV

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request, RequestContext context) {
        try {
            KvRequests.validateRange(request);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (request.getSerializable()) {
            return serveLocally(() -> localRange(request));
        }
        return linearizable(() -> localRange(request));
    }

    private RangeResponse localRange(RangeRequest request) {
        RangeResponse r = kv.range(request);
        return r.toBuilder().setHeader(header(r.getHeader().getRevision())).build();
    }

    /** Waits for a ReadIndex round and the apply of its index, then reads on a caller thread. */
    private <T> CompletableFuture<T> linearizable(Supplier<T> read) {
        return toCaller(withTimeout(raft.readIndex()).thenApplyAsync(index -> whileOpen(read), callerExecutor));
    }

    /** A read served at once on the calling thread; its errors fail the future, as the SPI asks. */
    private <T> CompletableFuture<T> serveLocally(Supplier<T> read) {
        try {
            return CompletableFuture.completedFuture(whileOpen(read));
        } catch (RuntimeException e) {  // EtcdException, or a store failure
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs a read of the store unless the server is stopping (then ErrStopped); close waits for it. */
    private <T> T whileOpen(Supplier<T> read) {
        lifecycle.readLock().lock();
        try {
            if (stopped) {
                throw EtcdError.STOPPED.exception();
            }
            return read.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * etcd's quota check before proposing a write that adds data: when the backend would exceed
     * {@code --quota-backend-bytes}, raise the NOSPACE alarm (through Raft, so every member enters
     * maintenance mode) and refuse with ErrNoSpace. Returns null when the write may go ahead, else
     * a future that fails with ErrNoSpace once the alarm is applied — so a client told "database
     * space exceeded" finds the alarm in {@code alarm list} right after.
     */
    private <T> CompletableFuture<T> overQuota(int requestBytes) {
        try {
            return whileOpen(() -> checkQuota(requestBytes));
        } catch (EtcdException stopped) {
            return CompletableFuture.failedFuture(stopped);
        }
    }

    private <T> CompletableFuture<T> checkQuota(int requestBytes) {
        if (alarms.isRaised(AlarmType.NOSPACE)) {
            return CompletableFuture.failedFuture(EtcdError.NO_SPACE.exception());
        }
        if (quotaBytes <= 0) {
            return null;
        }
        // etcd's cost: the request plus its key index overhead, against the backend's size.
        long cost = requestBytes + 256;
        if (backend.stats().sizeBytes() + cost <= quotaBytes) {
            return null;
        }
        LOG.log(System.Logger.Level.WARNING, "backend quota {0} bytes exceeded: raising alarm NOSPACE", quotaBytes);
        CompletableFuture<Object> raised = propose(InternalRaftRequest.newBuilder().setAlarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(identity.memberId()).setAlarm(AlarmType.NOSPACE)));
        return toCaller(raised.handle((ok, failure) -> {
            throw EtcdError.NO_SPACE.exception();
        }));
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request, RequestContext context) {
        try {
            KvRequests.validatePut(request);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<PutResponse> noSpace = overQuota(request.getSerializedSize());
        if (noSpace != null) {
            return noSpace;
        }
        return toCaller(this.<KvResult<PutResponse>>propose(InternalRaftRequest.newBuilder().setPut(request))
                .thenApply(r -> r.response().toBuilder().setHeader(header(r.revision())).build()));
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, RequestContext context) {
        try {
            KvRequests.validateDeleteRange(request);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return toCaller(this.<KvResult<DeleteRangeResponse>>propose(InternalRaftRequest.newBuilder().setDeleteRange(request))
                .thenApply(r -> r.response().toBuilder().setHeader(header(r.revision())).build()));
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request, RequestContext context) {
        try {
            KvRequests.validateTxn(request, maxTxnOps);
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (KvRequests.isReadOnly(request)) {
            // As etcd: a transaction that only reads is served like a linearizable range, without a proposal.
            return linearizable(() -> {
                TxnResponse r = kv.txn(request).response();
                return r.toBuilder().setHeader(header(r.getHeader().getRevision())).build();
            });
        }
        CompletableFuture<TxnResponse> noSpace = overQuota(request.getSerializedSize());
        if (noSpace != null) {
            return noSpace;
        }
        return toCaller(this.<KvResult<TxnResponse>>propose(InternalRaftRequest.newBuilder().setTxn(request))
                .thenApply(r -> r.response().toBuilder().setHeader(header(r.revision())).build()));
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request, RequestContext context) {
        return toCaller(this.<CompactionResult>propose(InternalRaftRequest.newBuilder().setCompaction(request))
                .thenCompose(result -> {
                    CompactionResponse response = result.response().toBuilder()
                            .setHeader(header(result.response().getHeader().getRevision())).build();
                    if (!request.getPhysical()) {
                        return CompletableFuture.completedFuture(response);
                    }
                    return withTimeout(result.physicallyDone().thenApply(done -> response));
                }));
    }

    // ---- Maintenance and cluster

    @Override
    public CompletableFuture<StatusResponse> status(StatusRequest request, RequestContext context) {
        return serveLocally(this::localStatus);
    }

    private StatusResponse localStatus() {
        var stats = backend.stats();
        StatusResponse.Builder b = StatusResponse.newBuilder()
                .setHeader(header(store.currentRevision()))
                .setVersion(Versions.ETCD_VERSION)
                .setDbSize(stats.sizeBytes())
                .setDbSizeInUse(stats.sizeInUseBytes())
                .setLeader(raft.leader())
                .setRaftIndex(raft.committedIndex())
                .setRaftTerm(raft.term())
                .setRaftAppliedIndex(raft.appliedIndex())
                .setIsLearner(false);
        for (var alarm : alarms.list()) {
            b.addErrors(Alarms.describe(alarm));
        }
        if (raft.failure() != null) {
            b.addErrors("etcdj: raft loop stopped: " + raft.failure().getMessage());
        }
        return b.build();
    }

    @Override
    public CompletableFuture<HashResponse> hash(HashRequest request, RequestContext context) {
        return toCaller(CompletableFuture.supplyAsync(() -> whileOpen(() -> {
            // etcd hashes its whole database file; etcdj hashes every bucket's entries in order.
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            try (var view = backend.readView()) {
                for (String bucket : buckets) {
                    crc.update(bucket.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    view.scan(bucket, new byte[0], null, (k, v) -> {
                        crc.update(k);
                        crc.update(v);
                        return true;
                    });
                }
            }
            return HashResponse.newBuilder().setHeader(header(store.currentRevision())).setHash((int) crc.getValue())
                    .build();
        }), callerExecutor));
    }

    @Override
    public CompletableFuture<HashKVResponse> hashKV(HashKVRequest request, RequestContext context) {
        return toCaller(CompletableFuture.supplyAsync(() -> whileOpen(() -> {
            var h = store.hashKV(request.getRevision());
            return HashKVResponse.newBuilder().setHeader(header(h.currentRevision())).setHash(h.hash())
                    .setCompactRevision(h.compactRevision()).build();
        }), callerExecutor));
    }

    @Override
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request, RequestContext context) {
        // etcd's alarm responses carry no header at all.
        if (request.getAction() == AlarmRequest.AlarmAction.GET) {
            return serveLocally(() -> AlarmResponse.newBuilder().addAllAlarms(alarms.list()).build());
        }
        return toCaller(this.<AlarmResponse>propose(InternalRaftRequest.newBuilder().setAlarm(request)));
    }

    @Override
    public CompletableFuture<DefragmentResponse> defragment(DefragmentRequest request, RequestContext context) {
        return toCaller(CompletableFuture.supplyAsync(() -> whileOpen(() -> {
            LOG.log(System.Logger.Level.INFO, "starting to defragment the storage backend...");
            try {
                backend.defragment();
            } catch (IOException e) {
                throw new EtcdException(io.etcdj.spi.server.StatusCode.UNKNOWN, "etcdserver: defragment failed: "
                        + e.getMessage());
            }
            LOG.log(System.Logger.Level.INFO, "finished defragmenting the storage backend");
            return DefragmentResponse.newBuilder().setHeader(header(store.currentRevision())).build();
        }), callerExecutor));
    }

    @Override
    public CompletableFuture<SnapshotStream> snapshot(SnapshotRequest request, RequestContext context) {
        return toCaller(CompletableFuture.supplyAsync(() -> whileOpen(() -> {
            try {
                return BackendSnapshot.create(backend, buckets, snapshotSpoolDir);
            } catch (IOException e) {
                throw new EtcdException(io.etcdj.spi.server.StatusCode.UNKNOWN, "etcdserver: snapshot failed: "
                        + e.getMessage());
            }
        }), callerExecutor));
    }

    // ---- Watch

    @Override
    public WatchSession watch(RequestContext context) {
        WatchStream stream = watchHub.openStream();
        return new WatchSession() {
            @Override
            public void handle(WatchRequest request) {
                stream.handle(request);
            }

            @Override
            public WatchResponse poll() {
                return stream.poll();
            }

            @Override
            public void setListener(Runnable responsesWaiting) {
                stream.setListener(responsesWaiting);
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }

    // ---- Lease

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request, RequestContext context) {
        if (request.getTTL() > Lessor.MAX_TTL_SECONDS) {
            return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
        }
        CompletableFuture<LeaseGrantResponse> noSpace = overQuota(request.getSerializedSize());
        if (noSpace != null) {
            return noSpace;
        }
        LeaseGrantRequest r = request;
        if (r.getID() == 0) {
            // As etcd: the server picks a positive 63-bit ID.
            r = r.toBuilder().setID(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).build();
        }
        return toCaller(this.<LeaseGrantResponse>propose(InternalRaftRequest.newBuilder().setLeaseGrant(r))
                .thenApply(g -> g.toBuilder().setHeader(header(g.getHeader().getRevision())).build()));
    }

    @Override
    public CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request, RequestContext context) {
        return toCaller(this.<LeaseRevokeResponse>propose(InternalRaftRequest.newBuilder().setLeaseRevoke(request))
                .thenApply(g -> g.toBuilder().setHeader(header(g.getHeader().getRevision())).build()));
    }

    @Override
    public CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request,
                                                                    RequestContext context) {
        if (!lessor.isPrimary() && raft.leader() != identity.memberId()) {
            return toCaller(forwardToLeader(io.etcdj.server.membership.PeerCalls.LEASE_KEEPALIVE, request,
                    LeaseKeepAliveResponse.parser()).thenApply(r -> r.toBuilder()
                    .setHeader(header(store.currentRevision())).build()));
        }
        return toCaller(leaseKeepAliveHere(request));
    }

    /** A keep-alive on this member's lessor (the leader's, or a forwarded one). */
    private CompletableFuture<LeaseKeepAliveResponse> leaseKeepAliveHere(LeaseKeepAliveRequest request) {
        return lessor.renew(request.getID()).thenApply(ttl -> LeaseKeepAliveResponse.newBuilder()
                .setHeader(header(store.currentRevision())).setID(request.getID()).setTTL(ttl).build());
    }

    @Override
    public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request,
                                                                      RequestContext context) {
        if (!lessor.isPrimary() && raft.leader() != identity.memberId() && raft.peers() != null) {
            return toCaller(forwardToLeader(io.etcdj.server.membership.PeerCalls.LEASE_TIMETOLIVE, request,
                    LeaseTimeToLiveResponse.parser()).thenApply(r -> r.toBuilder()
                    .setHeader(header(store.currentRevision())).build()));
        }
        return leaseTimeToLiveHere(request);
    }

    /** Time-to-live from this member's lessor (the leader's, or a forwarded request). */
    private CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLiveHere(LeaseTimeToLiveRequest request) {
        return serveLocally(() -> {
            LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(header(store.currentRevision())).setID(request.getID());
            try {
                LeaseTimeToLive t = lessor.timeToLive(request.getID(), request.getKeys());
                b.setTTL(t.ttl()).setGrantedTTL(t.grantedTtl());
                for (ByteString key : t.keys()) {
                    b.addKeys(key);
                }
            } catch (EtcdException e) {
                if (e.error() != EtcdError.LEASE_NOT_FOUND) {
                    throw e;
                }
                b.setTTL(-1);  // etcd's gRPC layer answers an unknown lease with TTL -1
            }
            return b.build();
        });
    }

    @Override
    public CompletableFuture<LeaseLeasesResponse> leaseLeases(LeaseLeasesRequest request, RequestContext context) {
        return serveLocally(() -> {
            LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder().setHeader(header(store.currentRevision()));
            for (long id : lessor.leases()) {
                b.addLeases(LeaseStatus.newBuilder().setID(id));
            }
            return b.build();
        });
    }

    // ---- v3lock and v3election

    @Override
    public CompletableFuture<io.etcdj.api.v3lockpb.LockResponse> lock(io.etcdj.api.v3lockpb.LockRequest request,
                                                                      RequestContext context) {
        return locks.lock(request, context);
    }

    @Override
    public CompletableFuture<io.etcdj.api.v3lockpb.UnlockResponse> unlock(io.etcdj.api.v3lockpb.UnlockRequest request,
                                                                          RequestContext context) {
        return locks.unlock(request, context);
    }

    @Override
    public CompletableFuture<io.etcdj.api.v3electionpb.CampaignResponse> campaign(
            io.etcdj.api.v3electionpb.CampaignRequest request, RequestContext context) {
        return elections.campaign(request, context);
    }

    @Override
    public CompletableFuture<io.etcdj.api.v3electionpb.ProclaimResponse> proclaim(
            io.etcdj.api.v3electionpb.ProclaimRequest request, RequestContext context) {
        return elections.proclaim(request, context);
    }

    @Override
    public CompletableFuture<io.etcdj.api.v3electionpb.LeaderResponse> leader(
            io.etcdj.api.v3electionpb.LeaderRequest request, RequestContext context) {
        return elections.leader(request, context);
    }

    @Override
    public CompletableFuture<io.etcdj.api.v3electionpb.ResignResponse> resign(
            io.etcdj.api.v3electionpb.ResignRequest request, RequestContext context) {
        return elections.resign(request, context);
    }

    @Override
    public io.etcdj.spi.server.ObserveSession observe(io.etcdj.api.v3electionpb.LeaderRequest request,
                                                      RequestContext context) {
        return elections.observe(request, context);
    }

    @Override
    public CompletableFuture<MemberListResponse> memberList(MemberListRequest request, RequestContext context) {
        // etcd's cluster service fills the header without a revision (v3rpc/member.go).
        return members.list();
    }

    @Override
    public CompletableFuture<io.etcdj.api.etcdserverpb.MemberAddResponse> memberAdd(
            io.etcdj.api.etcdserverpb.MemberAddRequest request, RequestContext context) {
        return toCaller(members.add(request));
    }

    @Override
    public CompletableFuture<io.etcdj.api.etcdserverpb.MemberRemoveResponse> memberRemove(
            io.etcdj.api.etcdserverpb.MemberRemoveRequest request, RequestContext context) {
        return toCaller(members.remove(request));
    }

    @Override
    public CompletableFuture<io.etcdj.api.etcdserverpb.MemberUpdateResponse> memberUpdate(
            io.etcdj.api.etcdserverpb.MemberUpdateRequest request, RequestContext context) {
        return toCaller(members.update(request));
    }

    @Override
    public CompletableFuture<io.etcdj.api.etcdserverpb.MemberPromoteResponse> memberPromote(
            io.etcdj.api.etcdserverpb.MemberPromoteRequest request, RequestContext context) {
        return toCaller(members.promote(request));
    }

    @Override
    public CompletableFuture<io.etcdj.api.etcdserverpb.MoveLeaderResponse> moveLeader(
            io.etcdj.api.etcdserverpb.MoveLeaderRequest request, RequestContext context) {
        if (raft.leader() != identity.memberId()) {
            return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
        }
        return toCaller(transferLeadership(request.getTargetID(), requestTimeout).thenApply(ok ->
                io.etcdj.api.etcdserverpb.MoveLeaderResponse.newBuilder().setHeader(header(store.currentRevision())).build()));
    }

    /** etcd's MoveLeader: asks Raft to hand over, then waits (a tick at a time) for the transferee to lead. */
    private CompletableFuture<Void> transferLeadership(long transferee, Duration timeout) {
        var target = membership.member(transferee);
        if (target == null || target.getIsLearner()) {
            return CompletableFuture.failedFuture(EtcdError.BAD_LEADER_TRANSFEREE.exception());
        }
        LOG.log(System.Logger.Level.INFO, "{0} starts leadership transfer from {0} to {1}",
                Long.toHexString(identity.memberId()), Long.toHexString(transferee));
        long start = System.nanoTime();
        raft.transferLeadership(transferee);
        CompletableFuture<Void> done = new CompletableFuture<>();
        pollLeader(transferee, start + timeout.toNanos(), done);
        return done.thenRun(() -> LOG.log(System.Logger.Level.INFO, "{0} finished leadership transfer to {1} (took {2} ms)",
                Long.toHexString(identity.memberId()), Long.toHexString(transferee),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    }

    private void pollLeader(long transferee, long deadlineNanos, CompletableFuture<Void> done) {
        if (raft.leader() == transferee) {
            done.complete(null);
        } else if (System.nanoTime() - deadlineNanos > 0 || raft.terminated().isDone()) {
            done.completeExceptionally(EtcdError.TIMEOUT_LEADER_TRANSFER.exception());
        } else {
            CompletableFuture.delayedExecutor(tickMillis, TimeUnit.MILLISECONDS)
                    .execute(() -> pollLeader(transferee, deadlineNanos, done));
        }
    }

    /**
     * etcd's TransferLeadership on a graceful stop: a leader of several voters hands over to the
     * voter with the longest log among those it heard from recently, so the cluster need not wait
     * an election timeout. Best effort: a failure only means the others elect as after a crash.
     */
    private void handOverLeadershipBeforeStopping() {
        if (raft.leader() != identity.memberId()) {
            return;
        }
        try {
            var status = raft.status().get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            long best = 0;
            long bestMatch = -1;
            for (var m : membership.members()) {
                var p = status.progress().get(m.getID());
                if (m.getID() != identity.memberId() && !m.getIsLearner() && p != null && p.recentActive()
                        && p.match() > bestMatch) {
                    best = m.getID();
                    bestMatch = p.match();
                }
            }
            if (best == 0) {
                LOG.log(System.Logger.Level.INFO, "skipped leadership transfer: no other voting member is connected");
                return;
            }
            // Two election timeouts (etcd waits its whole request timeout): a transferee that went
            // away meanwhile should not hold up the stop for long.
            Duration wait = requestTimeout.minusSeconds(5);
            transferLeadership(best, wait).get(wait.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "leadership transfer before stopping failed: {0}", e.getMessage());
        }
    }

    /** True when this member is a learner (etcd then refuses most client requests). */
    public boolean isLearner() {
        var self = membership.member(identity.memberId());
        return self != null && self.getIsLearner();
    }

    /** The server's side of the peer transport: removed members, and requests forwarded by peers. */
    private final class PeerServices implements RaftLoop.PeerServices {
        @Override
        public boolean isRemoved(long memberId) {
            return membership.isRemoved(memberId);
        }

        @Override
        public void removedFromCluster() {
            LOG.log(System.Logger.Level.WARNING, "a peer reports that this member was removed from the cluster");
            raft.stopRemoved();
        }

        @Override
        public byte[] serve(String method, byte[] request) throws IOException {
            CompletableFuture<? extends com.google.protobuf.MessageLite> answer = switch (method) {
                case io.etcdj.server.membership.PeerCalls.MEMBERS -> members.list();
                case io.etcdj.server.membership.PeerCalls.PROMOTE ->
                        members.promoteOnLeader(java.nio.ByteBuffer.wrap(request).getLong());
                case io.etcdj.server.membership.PeerCalls.LEASE_KEEPALIVE ->
                        leaseKeepAliveHere(LeaseKeepAliveRequest.parseFrom(request));
                case io.etcdj.server.membership.PeerCalls.LEASE_TIMETOLIVE ->
                        leaseTimeToLiveHere(LeaseTimeToLiveRequest.parseFrom(request));
                default -> throw new IOException("etcdserver: unknown peer request " + method);
            };
            try {
                return io.etcdj.server.membership.PeerCalls.ok(
                        answer.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).toByteArray());
            } catch (java.util.concurrent.ExecutionException e) {
                return io.etcdj.server.membership.PeerCalls.failure(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                return io.etcdj.server.membership.PeerCalls.error(EtcdError.TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * Sends a lease request to the leader when this member's lessor is not primary (etcd forwards
     * keep-alives and time-to-live over peer HTTP), and decodes the leader's answer.
     */
    private <T extends com.google.protobuf.MessageLite> CompletableFuture<T> forwardToLeader(
            String method, com.google.protobuf.MessageLite request, com.google.protobuf.Parser<T> parser) {
        long leader = raft.leader();
        if (leader == 0) {
            return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
        }
        if (raft.peers() == null || leader == identity.memberId()) {
            return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
        }
        return raft.peers().call(leader, method, request.toByteArray())
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((answer, failure) -> {
                    if (failure != null) {
                        Throwable t = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw t instanceof TimeoutException ? EtcdError.TIMEOUT.exception()
                                : EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST.exception();
                    }
                    try {
                        return parser.parseFrom(io.etcdj.server.membership.PeerCalls.decode(answer));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw EtcdError.UNHEALTHY.exception();
                    }
                });
    }

    @Override
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    // ---- the write path

    /**
     * Stamps a request ID, checks the size etcd checks ({@code --max-request-bytes} on the encoded
     * envelope), registers a waiter, proposes, and waits for the apply (or etcd's timeout).
     */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> propose(InternalRaftRequest.Builder request) {
        long id = requestIds.incrementAndGet();
        byte[] data = request.setID(id).setHeader(RequestHeader.newBuilder().setID(id)).build().toByteArray();
        if (data.length > maxRequestBytes) {
            return CompletableFuture.failedFuture(EtcdError.REQUEST_TOO_LARGE.exception());
        }
        CompletableFuture<Object> applied = waiters.register(id);
        metrics.proposalPending(1);
        raft.propose(data).whenComplete((ok, failure) -> {
            if (failure != null) {
                waiters.fail(id, failure);
            }
        });
        return withTimeout(applied).whenComplete((r, failure) -> {
            metrics.proposalPending(-1);
            if (failure != null) {
                waiters.cancel(id);
                metrics.proposalFailed();
            }
        }).thenApply(r -> (T) r);
    }

    /**
     * The caller's view of an internal future: completed with the same outcome (a
     * {@link CompletionException} unwrapped) on a caller thread, so the caller's callbacks never
     * run on the Raft loop, the store's compactor or the JDK's timer thread.
     */
    private <T> CompletableFuture<T> toCaller(CompletableFuture<T> internal) {
        CompletableFuture<T> out = new CompletableFuture<>();
        internal.whenComplete((value, failure) -> {
            Runnable deliver = () -> {
                if (failure == null) {
                    out.complete(value);
                } else {
                    out.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                }
            };
            try {
                callerExecutor.execute(deliver);
            } catch (RejectedExecutionException e) {
                deliver.run();  // closed: the Raft loop has ended, there is nothing left to stall
            }
        });
        return out;
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f) {
        return f.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
            Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (t instanceof TimeoutException) {
                return CompletableFuture.failedFuture(EtcdError.TIMEOUT.exception());
            }
            return CompletableFuture.failedFuture(t);
        });
    }

    private ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(identity.clusterId()).setMemberId(identity.memberId())
                .setRevision(revision).setRaftTerm(raft.term()).build();
    }

    /**
     * Stops serving (waiting requests and any later ones fail with ErrStopped), stops the Raft
     * loop, then closes the store, the backend (synced) and the WAL, in that order. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;  // local reads in progress have finished; later ones fail
        } finally {
            lifecycle.writeLock().unlock();
        }
        handOverLeadershipBeforeStopping();
        locks.close();
        elections.close();
        leaseExpiry.shutdownNow();
        lessor.demote();
        watchHub.close();
        raft.close();
        // Normally done when the loop ends; repeated for a loop that did not stop within its join timeout.
        waiters.failAll(EtcdError.STOPPED.exception());
        callerExecutor.shutdown();
        store.close();
        try {
            backend.sync();
            backend.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the backend failed", e);
        }
        try {
            wal.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the WAL failed", e);
        }
    }
}
