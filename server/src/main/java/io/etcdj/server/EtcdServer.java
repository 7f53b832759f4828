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

    EtcdServer(ServerIdentity identity, Backend backend, Wal wal, MvccStore store, KvApplier kv, Membership membership,
               Lessor lessor, Alarms alarms, WatchHub watchHub, List<String> buckets, Path snapshotSpoolDir,
               long quotaBytes, Waiters waiters, RaftLoop raft, ApplyPipeline applier, int maxRequestBytes,
               int maxTxnOps, Duration requestTimeout) {
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
        return toCaller(lessor.renew(request.getID()).thenApply(ttl -> LeaseKeepAliveResponse.newBuilder()
                .setHeader(header(store.currentRevision())).setID(request.getID()).setTTL(ttl).build()));
    }

    @Override
    public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request,
                                                                      RequestContext context) {
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
        MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(header(store.currentRevision())
                .toBuilder().clearRevision());
        for (var m : membership.members()) {
            b.addMembers(io.etcdj.api.etcdserverpb.Member.newBuilder().setID(m.getID()).setName(m.getName())
                    .addAllPeerURLs(m.getPeerUrlsList()).addAllClientURLs(m.getClientUrlsList())
                    .setIsLearner(m.getIsLearner()));
        }
        return CompletableFuture.completedFuture(b.build());
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
        raft.propose(data).whenComplete((ok, failure) -> {
            if (failure != null) {
                waiters.fail(id, failure);
            }
        });
        return withTimeout(applied).whenComplete((r, failure) -> {
            if (failure != null) {
                waiters.cancel(id);
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
