package io.etcdj.lease;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * etcd 3.4's lessor: owns the leases, the keys attached to them, their expiry and their rows in
 * the backend's {@value #BUCKET} bucket.
 *
 * <h2>Replicated state and the leader's clock</h2>
 * Which leases exist, their granted TTL, checkpointed remaining TTL and attached keys are the
 * same on every member: they change only through applied Raft entries ({@link #grant},
 * {@link #revoke}, {@link #checkpoint}, and {@link #attach}/{@link #detachKey} from the key
 * space's writes). Expiry is not replicated: only the <em>primary</em> lessor (the leader's, after
 * {@link #promote}) tracks it, takes keep-alives ({@link #renew}) and hands out expired leases
 * ({@link #expiredLeases}), which the server revokes by proposing {@code LeaseRevoke} through Raft.
 * A non-primary lessor's leases never expire. Promotion restarts every lease's full TTL (or its
 * checkpointed remaining TTL) plus an extension, because the old leader's clock is lost with it.
 *
 * <h2>Restart and snapshots</h2>
 * {@link #load} reads the bucket back, and {@link #restore} does the same after the backend's
 * contents were replaced by a snapshot; the key space re-attaches keys as it opens or is
 * restored, so load or restore the lessor first. As in etcd 3.4 without checkpointing, a lease's time already used is not
 * persisted: after a restart every lease gets its whole TTL again from the moment this member is
 * promoted. With checkpointing on ({@link #Lessor(LessorConfig, LongSupplier, LeaseCheckpointer)})
 * the leader records remaining TTLs through Raft every {@link LessorConfig#checkpointInterval()},
 * which survives a change of leader, and with {@link LessorConfig#checkpointPersist()} a restart
 * too.
 *
 * <h2>Threads</h2>
 * Every public method may be called from any thread; one internal lock makes each atomic with
 * respect to the others, and none blocks or calls out while holding it. The intended callers:
 * the apply thread for the replicated mutations, {@link #writeChanges} and {@link #load}; the
 * Raft thread for {@link #promote}/{@link #demote}; transport threads for {@link #renew},
 * {@link #timeToLive} and {@link #leases}; a timer for {@link #expiredLeases} and
 * {@link #dueCheckpoints}. A renewal that has to wait completes on the thread that revokes the
 * lease or demotes the lessor (or that completes the checkpointer's stage): attach blocking work
 * with an {@code ...Async} method.
 *
 * <h2>Errors</h2>
 * Failures are {@link io.etcdj.spi.server.EtcdException}s carrying etcd's errors:
 * {@link EtcdError#LEASE_NOT_FOUND}, {@link EtcdError#LEASE_EXIST},
 * {@link EtcdError#LEASE_TTL_TOO_LARGE}, and {@link EtcdError#NOT_LEADER} where etcd's lessor says
 * {@code ErrNotPrimary} (the server then forwards the request to the leader, as etcd does).
 */
public final class Lessor {
    /** The backend bucket holding one row per lease: 8-byte big-endian ID to {@code leasepb.Lease}. */
    public static final String BUCKET = "lease";
    /** The lease ID that means "no lease" (etcd's {@code NoLease}). */
    public static final long NO_LEASE = 0;
    /** The largest TTL a lease may be granted, in seconds (etcd's {@code MaxLeaseTTL}). */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LessorConfig config;
    private final LongSupplier clock;
    /** Null when checkpointing is off (etcd: no checkpointer set). */
    private final LeaseCheckpointer checkpointer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, LeaseState> leases = new HashMap<>();
    /** Which lease each attached key belongs to; every ID in it is a live lease. */
    private final Map<ByteString, Long> keyToLease = new HashMap<>();
    /** While primary: every lease, by the time it is next due for revocation. Empty otherwise. */
    private final ExpiryQueue expiryQueue = new ExpiryQueue();
    private final CheckpointSchedule checkpointSchedule = new CheckpointSchedule();
    private final RevokeBudget revokeBudget;
    /** Rows to write at the next {@link #writeChanges}, by ID; a null record deletes the row. */
    private final Map<Long, LeaseRecord> unwritten = new LinkedHashMap<>();
    private boolean primary;

    /**
     * A lessor without checkpointing (etcd 3.4's default).
     *
     * @param nanoClock monotonic nanoseconds, {@code System::nanoTime} in the server; tests pass a fake
     */
    public Lessor(LessorConfig config, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.checkpointer = null;
        this.revokeBudget = new RevokeBudget(config.revokesPerSecond(), clock.getAsLong());
    }

    /** A lessor with checkpointing on ({@code --experimental-enable-lease-checkpoint}). */
    public Lessor(LessorConfig config, LongSupplier nanoClock, LeaseCheckpointer checkpointer) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.checkpointer = Objects.requireNonNull(checkpointer, "checkpointer");
        this.revokeBudget = new RevokeBudget(config.revokesPerSecond(), clock.getAsLong());
    }

    // ---------------------------------------------------------------- replicated (apply thread)

    /**
     * Applies a {@code LeaseGrant}. The server picks a non-zero ID before proposing; the checks run
     * in etcd's order: ID 0 is {@link EtcdError#LEASE_NOT_FOUND} (as etcd's lessor answers it),
     * a TTL above {@link #MAX_TTL_SECONDS} is {@link EtcdError#LEASE_TTL_TOO_LARGE}, an ID in use is
     * {@link EtcdError#LEASE_EXIST}. A TTL below the minimum is raised to it, not refused.
     */
    public GrantedLease grant(long id, long ttlSeconds) {
        if (id == NO_LEASE) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        if (ttlSeconds > MAX_TTL_SECONDS) {
            throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
        }
        lock.lock();
        try {
            if (leases.containsKey(id)) {
                throw EtcdError.LEASE_EXIST.exception();
            }
            LeaseState lease = new LeaseState(id, Math.max(ttlSeconds, config.minTtlSeconds()), 0);
            leases.put(id, lease);
            unwritten.put(id, lease.record());
            if (primary) {
                startTracking(lease, clock.getAsLong(), 0);
            }
            return new GrantedLease(id, lease.ttl);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a {@code LeaseRevoke}: forgets the lease and returns the keys attached to it, in
     * unsigned byte order. The caller deletes exactly these keys in the same write transaction and
     * backend batch as this change (etcd's revoke is one transaction), deleting in the given order
     * so every member's key space, and hash, ends up the same. Renewals waiting for this lease's
     * revoke fail with {@link EtcdError#LEASE_NOT_FOUND}.
     *
     * @throws io.etcdj.spi.server.EtcdException LEASE_NOT_FOUND when no such lease exists
     */
    public List<ByteString> revoke(long id) {
        List<ByteString> keys;
        List<CompletableFuture<Long>> waiting;
        lock.lock();
        try {
            LeaseState lease = leases.remove(id);
            if (lease == null) {
                throw EtcdError.LEASE_NOT_FOUND.exception();
            }
            keys = List.copyOf(lease.keys);
            for (ByteString key : keys) {
                keyToLease.remove(key);
            }
            expiryQueue.remove(id);
            unwritten.put(id, null);
            waiting = lease.takeWaitingRenewals();
        } finally {
            lock.unlock();
        }
        fail(waiting, EtcdError.LEASE_NOT_FOUND);
        return keys;
    }

    /**
     * Applies one entry of a {@code LeaseCheckpointRequest}: records the lease's remaining TTL
     * (0 clears it), which the next {@link #promote} uses instead of the full TTL. An unknown lease
     * is ignored, as etcd does. Written to the backend only with
     * {@link LessorConfig#checkpointPersist()}.
     */
    public void checkpoint(long id, long remainingTtlSeconds) {
        lock.lock();
        try {
            LeaseState lease = leases.get(id);
            if (lease == null) {
                return;
            }
            lease.remainingTtl = remainingTtlSeconds;
            if (config.checkpointPersist()) {
                unwritten.put(id, lease.record());
            }
            if (primary) {
                scheduleCheckpoint(lease, clock.getAsLong());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that {@code key} now belongs to lease {@code id} only (the key space's
     * {@code LeaseAttachments.keyWritten}); {@link #NO_LEASE} just detaches it. The key leaves its
     * previous lease first, even when this fails.
     *
     * @throws io.etcdj.spi.server.EtcdException LEASE_NOT_FOUND when the lease does not exist (the
     *                                           apply checks leases before it writes, so here this
     *                                           means a key restored from the backend whose lease
     *                                           is gone; etcd logs and skips those)
     */
    public void attach(long id, ByteString key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            detachLocked(key);
            if (id == NO_LEASE) {
                return;
            }
            LeaseState lease = leases.get(id);
            if (lease == null) {
                throw EtcdError.LEASE_NOT_FOUND.exception();
            }
            lease.keys.add(key);
            keyToLease.put(key, id);
        } finally {
            lock.unlock();
        }
    }

    /** Records that {@code key} belongs to no lease (the key space's {@code keyDeleted}); no-op when it had none. */
    public void detachKey(ByteString key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            detachLocked(key);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- reads (any thread)

    /** Whether lease {@code id} exists: the apply's check before a put with a lease. */
    public boolean exists(long id) {
        lock.lock();
        try {
            return leases.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    /** The lease {@code key} is attached to, or {@link #NO_LEASE}. */
    public long leaseOf(ByteString key) {
        lock.lock();
        try {
            return keyToLease.getOrDefault(key, NO_LEASE);
        } finally {
            lock.unlock();
        }
    }

    /**
     * etcd's {@code LeaseTimeToLive}. On the primary, {@code ttl} counts down from the last
     * renewal. Deviation: etcd would report about 292 years for a lease not tracked because the
     * lessor is not primary (a follower, or a new leader not yet promoted); this reports the TTL
     * the lease will get at promotion instead. The server asks the leader anyway, as etcd does.
     *
     * @throws io.etcdj.spi.server.EtcdException LEASE_NOT_FOUND when no such lease exists (the
     *                                           gRPC layer answers that with TTL -1, as etcd does)
     */
    public LeaseTimeToLive timeToLive(long id, boolean withKeys) {
        lock.lock();
        try {
            LeaseState lease = leases.get(id);
            if (lease == null) {
                throw EtcdError.LEASE_NOT_FOUND.exception();
            }
            long ttl = primary ? lease.remainingNanos(clock.getAsLong()) / NANOS_PER_SECOND : lease.effectiveTtl();
            return new LeaseTimeToLive(id, ttl, lease.ttl, withKeys ? List.copyOf(lease.keys) : List.of());
        } finally {
            lock.unlock();
        }
    }

    /** Every lease ID (etcd's {@code LeaseLeases}): soonest expiry first on the primary, else by ID. */
    public List<Long> leases() {
        lock.lock();
        try {
            Comparator<LeaseState> order = primary
                    ? Comparator.comparingLong((LeaseState l) -> l.expiry).thenComparingLong(l -> l.id)
                    : Comparator.comparingLong(l -> l.id);
            return leases.values().stream().sorted(order).map(l -> l.id).toList();
        } finally {
            lock.unlock();
        }
    }

    public boolean isPrimary() {
        lock.lock();
        try {
            return primary;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- the leader's side

    /**
     * A keep-alive (etcd's {@code Renew}): restarts the lease's TTL and completes with the granted
     * TTL. Fails with {@link EtcdError#NOT_LEADER} when this lessor is not primary and
     * {@link EtcdError#LEASE_NOT_FOUND} for an unknown lease. A lease that has expired but is not
     * revoked yet is not renewed: as in etcd, the answer waits until its revoke is applied
     * (LEASE_NOT_FOUND, so a client told its lease is gone no longer finds its keys) or the lessor
     * stops being primary (NOT_LEADER; the new leader may still have the lease).
     *
     * <p>With checkpointing on and a checkpoint recorded for the lease, the checkpoint is first
     * cleared through Raft and the lease renewed once that completes, as etcd does, so a later
     * leader does not cut the renewed lease short.
     */
    public CompletableFuture<Long> renew(long id) {
        lock.lock();
        try {
            if (!primary) {
                return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
            }
            LeaseState lease = leases.get(id);
            if (lease == null) {
                return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
            }
            long now = clock.getAsLong();
            if (lease.expired(now)) {
                CompletableFuture<Long> afterRevoke = new CompletableFuture<>();
                lease.waitingRenewals.add(afterRevoke);
                return afterRevoke;
            }
            if (checkpointer == null || lease.remainingTtl <= 0) {
                extend(lease, now);
                return CompletableFuture.completedFuture(lease.ttl);
            }
        } finally {
            lock.unlock();
        }
        CompletionStage<?> cleared;
        try {
            cleared = checkpointer.propose(List.of(new LeaseCheckpoint(id, 0)));
        } catch (RuntimeException proposalFailed) {
            cleared = CompletableFuture.failedFuture(proposalFailed);
        }
        CompletableFuture<Long> renewed = new CompletableFuture<>();
        // etcd renews whether or not the clearing proposal went through.
        cleared.whenComplete((ignored, failure) -> completeRenewal(id, renewed));
        return renewed;
    }

    /**
     * Makes this lessor primary (etcd's {@code Promote}); the server calls it when this member,
     * as leader, applies the empty entry of its term (all earlier entries are applied by then).
     * Every lease then expires {@code extend} (etcd passes the election timeout) plus its TTL, or
     * its checkpointed remaining TTL, from now, spread when more than the revoke rate would
     * expire together. Renewals still waiting from an earlier term fail with NOT_LEADER.
     */
    public void promote(Duration extend) {
        long extendNanos = extend.toNanos();
        List<CompletableFuture<Long>> waiting;
        lock.lock();
        try {
            waiting = takeAllWaitingRenewals();
            primary = true;
            expiryQueue.clear();
            checkpointSchedule.clear();
            trackAll(extendNanos);
        } finally {
            lock.unlock();
        }
        fail(waiting, EtcdError.NOT_LEADER);
    }

    /**
     * Stops tracking expiry (etcd's {@code Demote}): the server calls it when this member stops
     * being leader, and at shutdown. Renewals waiting for a revoke fail with NOT_LEADER.
     */
    public void demote() {
        List<CompletableFuture<Long>> waiting;
        lock.lock();
        try {
            waiting = takeAllWaitingRenewals();
            primary = false;
            expiryQueue.clear();
            checkpointSchedule.clear();
        } finally {
            lock.unlock();
        }
        fail(waiting, EtcdError.NOT_LEADER);
    }

    /**
     * Up to {@code max} leases whose time is up, soonest first, for the server to revoke by proposing
     * {@code LeaseRevoke} (etcd's {@code ExpiredLeasesC}); empty unless primary. Also limited to
     * {@link LessorConfig#revokesPerSecond()}: at most half a second's worth per call, refilled as
     * time passes, so calling every 500 ms as etcd does yields etcd's batches. A lease handed out
     * is not handed out again for {@link LessorConfig#expiredLeaseRetryInterval()}, so a revoke in
     * flight is not proposed twice, yet a lost proposal is retried.
     */
    public List<Long> expiredLeases(int max) {
        lock.lock();
        try {
            if (!primary || max <= 0) {
                return List.of();
            }
            long now = clock.getAsLong();
            int limit = Math.min(max, revokeBudget.available(now));
            long retryAt = now + config.expiredLeaseRetryInterval().toNanos();
            List<Long> expired = new ArrayList<>();
            while (expired.size() < limit) {
                Long id = expiryQueue.pollDue(now, retryAt);
                if (id == null) {
                    break;
                }
                expired.add(id);
            }
            revokeBudget.spend(expired.size());
            return expired;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Up to {@code max} checkpoints that are due (etcd batches 1000 per {@code LeaseCheckpointRequest}
     * and looks every 500 ms), for the server to propose; empty unless primary with checkpointing
     * on. A lease is checkpointed every {@link LessorConfig#checkpointInterval()} while its TTL is
     * longer than that interval and some of its time is used.
     */
    public List<LeaseCheckpoint> dueCheckpoints(int max) {
        lock.lock();
        try {
            if (!primary || checkpointer == null) {
                return List.of();
            }
            long now = clock.getAsLong();
            List<LeaseCheckpoint> due = new ArrayList<>();
            while (due.size() < max) {
                Long id = checkpointSchedule.pollDue(now);
                if (id == null) {
                    break;
                }
                LeaseState lease = leases.get(id);
                if (lease == null || lease.expired(now)) {
                    continue;  // revoked since, or about to be
                }
                long remaining = Math.ceilDiv(lease.remainingNanos(now), NANOS_PER_SECOND);
                if (remaining < lease.ttl) {
                    due.add(new LeaseCheckpoint(id, remaining));
                }
            }
            return due;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- persistence

    /**
     * Adds every lease change applied since the last call to {@code batch} (puts and deletes in
     * {@value #BUCKET}) and forgets them: the server passes the batch that also carries the key
     * space's changes and the applied index, so they commit atomically. A batch that then fails
     * to commit loses these changes, so a failed commit must stop the server, as it does for the
     * key space. Returns the number of rows written.
     */
    public int writeChanges(WriteBatch batch) {
        lock.lock();
        try {
            int written = unwritten.size();
            for (Map.Entry<Long, LeaseRecord> change : unwritten.entrySet()) {
                byte[] key = LeaseRecord.key(change.getKey());
                if (change.getValue() == null) {
                    batch.delete(BUCKET, key);
                } else {
                    batch.put(BUCKET, key, change.getValue().encode());
                }
            }
            unwritten.clear();
            return written;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Loads the leases stored in {@code view} at start: {@link #restore} with no extension.
     *
     * @throws IllegalStateException when a stored row cannot be decoded (names the key)
     */
    public void load(ReadView view) {
        restore(view, Duration.ZERO);
    }

    /**
     * Replaces every lease with those stored in {@code view} (etcd's {@code Recover}, after the
     * backend's contents were replaced by a snapshot; {@link #load} at start), raising TTLs below
     * the minimum. Everything derived from the previous contents goes: leases, attachments (the
     * key space re-attaches its keys when it opens or is restored, so call this first), changes
     * not yet written (the new contents supersede them), expiry and checkpoint schedules.
     * Renewals waiting for a revoke fail with NOT_LEADER. Whether this lessor is primary does not
     * change. A non-primary's leases never expire, as always; on a primary every loaded lease
     * expires {@code extend} plus its TTL (or its checkpointed remaining TTL) from now, spread as
     * {@link #promote} does, since the time the old contents' leases had used means nothing for
     * the new ones (etcd leaves them unexpiring until the next promotion instead).
     *
     * @param extend what a primary adds to each lease's TTL ({@link #promote}'s extension)
     * @throws IllegalStateException when a stored row cannot be decoded (names the key); the
     *                               lessor is then unchanged
     */
    public void restore(ReadView view, Duration extend) {
        long extendNanos = extend.toNanos();
        List<LeaseState> loaded = new ArrayList<>();
        view.scan(BUCKET, new byte[0], null, (key, value) -> {
            LeaseRecord row;
            try {
                row = LeaseRecord.decode(value);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("failed to unmarshal lease proto item; lease key="
                        + HexFormat.of().formatHex(key), e);
            }
            loaded.add(new LeaseState(row.id(), Math.max(row.ttl(), config.minTtlSeconds()), row.remainingTtl()));
            return true;
        });
        List<CompletableFuture<Long>> waiting;
        lock.lock();
        try {
            waiting = takeAllWaitingRenewals();
            leases.clear();
            keyToLease.clear();
            expiryQueue.clear();
            checkpointSchedule.clear();
            unwritten.clear();
            for (LeaseState lease : loaded) {
                leases.put(lease.id, lease);
            }
            if (primary) {
                trackAll(extendNanos);
            }
        } finally {
            lock.unlock();
        }
        fail(waiting, EtcdError.NOT_LEADER);
    }

    // ---------------------------------------------------------------- internals (lock held)

    /** Tracks every lease from now (schedules empty): {@code extendNanos} plus its TTL, spread. */
    private void trackAll(long extendNanos) {
        long now = clock.getAsLong();
        for (LeaseState lease : leases.values()) {
            startTracking(lease, now, extendNanos);
        }
        List<LeaseState> all = List.copyOf(leases.values());
        for (LeaseState moved : ExpirySpread.spread(all, now, extendNanos, config.revokesPerSecond())) {
            expiryQueue.put(moved.id, moved.expiry);
        }
    }

    private void startTracking(LeaseState lease, long now, long extendNanos) {
        lease.refresh(now, extendNanos);
        expiryQueue.put(lease.id, lease.expiry);
        scheduleCheckpoint(lease, now);
    }

    private void extend(LeaseState lease, long now) {
        lease.refresh(now, 0);
        expiryQueue.put(lease.id, lease.expiry);
    }

    private void scheduleCheckpoint(LeaseState lease, long now) {
        Duration interval = config.checkpointInterval();
        if (checkpointer != null && lease.effectiveTtl() > interval.toSeconds()) {
            checkpointSchedule.add(lease.id, now + interval.toNanos());
        }
    }

    private void detachLocked(ByteString key) {
        Long previous = keyToLease.remove(key);
        if (previous != null) {
            leases.get(previous).keys.remove(key);
        }
    }

    private List<CompletableFuture<Long>> takeAllWaitingRenewals() {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (LeaseState lease : leases.values()) {
            all.addAll(lease.takeWaitingRenewals());
        }
        return all;
    }

    /** The second half of a renewal that first cleared a checkpoint. */
    private void completeRenewal(long id, CompletableFuture<Long> renewed) {
        EtcdError error = null;
        long ttl = 0;
        lock.lock();
        try {
            LeaseState lease = leases.get(id);
            if (!primary) {
                error = EtcdError.NOT_LEADER;
            } else if (lease == null) {
                error = EtcdError.LEASE_NOT_FOUND;
            } else {
                extend(lease, clock.getAsLong());
                ttl = lease.ttl;
            }
        } finally {
            lock.unlock();
        }
        if (error != null) {
            renewed.completeExceptionally(error.exception());
        } else {
            renewed.complete(ttl);
        }
    }

    private static void fail(List<CompletableFuture<Long>> renewals, EtcdError error) {
        for (CompletableFuture<Long> renewal : renewals) {
            renewal.completeExceptionally(error.exception());
        }
    }
}
