package io.etcdj.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.serverpb.ClusterMemberAttrSetRequest;
import io.etcdj.api.serverpb.InternalRaftRequest;
import io.etcdj.api.serverpb.Member;
import io.etcdj.api.etcdserverpb.AlarmRequest;
import io.etcdj.api.etcdserverpb.AlarmResponse;
import io.etcdj.api.etcdserverpb.AlarmType;
import io.etcdj.api.etcdserverpb.LeaseCheckpoint;
import io.etcdj.api.etcdserverpb.LeaseCheckpointResponse;
import io.etcdj.api.etcdserverpb.LeaseGrantResponse;
import io.etcdj.api.etcdserverpb.LeaseRevokeResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.lease.GrantedLease;
import io.etcdj.lease.Lessor;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.WriteTxn;
import io.etcdj.mvcc.kv.KvRequests;
import io.etcdj.server.maintenance.Alarms;
import com.google.protobuf.ByteString;
import java.time.Duration;
import io.etcdj.mvcc.kv.KvApplier;
import io.etcdj.raft.RaftRole;
import io.etcdj.raft.RawNode;
import io.etcdj.server.membership.Membership;
import io.etcdj.server.raft.RaftLoop;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.store.Backend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The apply step (etcd's {@code applierV3} chain): turns committed entries into state. All entries
 * handed over in one call land in one backend batch together with the applied index, and only
 * after that commit are the proposers told — so a client never sees a result the backend could
 * lose without the WAL having it.
 *
 * <p>On restart the Raft core replays every committed entry after the last snapshot; entries at
 * or below the backend's applied index are skipped here (their effects are already in the backend),
 * except that conf changes still go to the core, which is how it relearns its voters.
 */
public final class ApplyPipeline implements RaftLoop.StateMachine {
    private static final System.Logger LOG = System.getLogger("etcdserver");

    private final MvccStore store;
    private final Backend backend;
    private final KvApplier kv;
    private final Membership membership;
    private final Lessor lessor;
    private final Alarms alarms;
    private final Duration leasePromotionExtend;
    private final Waiters waiters;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private volatile RaftRole role = RaftRole.FOLLOWER;
    private final RoleListener roleListener;
    private final MembershipListener membershipListener;
    private final int maxLearners;
    private final io.etcdj.v2store.V2Service v2;
    /** Set when the v2 store changed in the current batch: it is saved whole with the batch. */
    private boolean v2Dirty;
    private SnapshotFiles snapshotFiles;
    private volatile io.etcdj.server.stats.ServerMetrics metrics;

    /** Told (on the Raft thread) when this member's role changes; must not block. */
    public interface RoleListener {
        void roleChanged(RaftRole role, long leader, long term);
    }

    /**
     * Told (on the Raft thread, after the backend commit) of an applied membership change, to
     * connect or disconnect the peer, or to stop when this member was removed; must not block.
     *
     * @param member the member after the change; null when it was removed
     */
    public interface MembershipListener {
        void changed(ConfChangeType type, long memberId, Member member);
    }

    /**
     * @param leasePromotionExtend added to every lease's TTL when this member becomes leader (etcd
     *                             passes the election timeout), so leases do not expire during the handover
     */
    public ApplyPipeline(MvccStore store, Backend backend, KvApplier kv, Membership membership, Lessor lessor,
                         Alarms alarms, Duration leasePromotionExtend, Waiters waiters, RoleListener roleListener,
                         MembershipListener membershipListener, int maxLearners, io.etcdj.v2store.V2Service v2) {
        this.v2 = v2;
        this.store = store;
        this.backend = backend;
        this.kv = kv;
        this.membership = membership;
        this.lessor = lessor;
        this.alarms = alarms;
        this.leasePromotionExtend = leasePromotionExtend;
        this.waiters = waiters;
        this.roleListener = roleListener;
        this.membershipListener = membershipListener;
        this.maxLearners = maxLearners;
    }

    public RaftRole role() {
        return role;
    }

    /** Where backend commit latency is recorded; before the Raft loop starts. */
    public void setMetrics(io.etcdj.server.stats.ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Wires snapshot exchange with other members; before the Raft loop starts. */
    public void enableSnapshots(SnapshotFiles files) {
        this.snapshotFiles = files;
    }

    @Override
    public RaftLoop.SnapshotSource snapshotSource() throws IOException {
        if (snapshotFiles == null) {
            throw new IOException("etcdserver: snapshots are not enabled");
        }
        return snapshotFiles.source();
    }

    @Override
    public java.nio.file.Path receiveSnapshot(io.etcdj.api.raftpb.SnapshotMetadata metadata, java.io.InputStream data,
                                              long size) throws IOException {
        if (snapshotFiles == null) {
            throw new IOException("etcdserver: snapshots are not enabled");
        }
        return snapshotFiles.receive(metadata, data, size);
    }

    /**
     * Replaces the backend with a snapshot's data (etcd's applySnapshot) and rebuilds everything
     * derived from it: reads wait meanwhile (the store's restore), leases are reloaded before the
     * key index re-attaches them, watchers catch up from the new history, and membership, alarms
     * and the v2 store are reloaded. The backend must then be at exactly the snapshot's index.
     */
    @Override
    public void restoreSnapshot(java.nio.file.Path file, io.etcdj.api.raftpb.SnapshotMetadata metadata) throws IOException {
        store.beginRestore();
        try {
            snapshotFiles.restoreBackend(file);
        } finally {
            try (io.etcdj.spi.store.ReadView view = backend.readView()) {
                lessor.restore(view, leasePromotionExtend);
            }
            store.finishRestore();  // even after a failed rewrite: it then fails and closes the store
        }
        try (io.etcdj.spi.store.ReadView view = backend.readView()) {
            membership.reload(view);
            alarms.reload(view);
            V2Persistence.load(view, v2);
        }
        afterCommit.clear();
        v2Dirty = false;
        if (store.consistentIndex() != metadata.getIndex()) {
            throw new IllegalStateException("etcdserver: the restored backend has applied index "
                    + store.consistentIndex() + ", not the snapshot's " + metadata.getIndex());
        }
    }

    @Override
    public void apply(List<Entry> committed, RawNode node) throws IOException {
        long alreadyApplied = store.consistentIndex();
        Entry last = null;
        for (Entry e : committed) {
            if (e.getIndex() <= alreadyApplied) {
                if (e.getType() == io.etcdj.api.raftpb.EntryType.EntryConfChange && !membership.wasRefused(e.getIndex())) {
                    node.applyConfChange(parseConfChange(e));
                }
                continue;
            }
            switch (e.getType()) {
                case EntryNormal -> applyNormal(e, node);
                case EntryConfChange -> applyConfChange(e, node);
                default -> throw new IllegalStateException("etcdserver: unsupported entry type " + e.getType()
                        + " at index " + e.getIndex());
            }
            last = e;
        }
        if (last == null) {
            return;
        }
        boolean saveV2 = v2Dirty;
        v2Dirty = false;
        long commitStart = System.nanoTime();
        store.commit(last.getIndex(), last.getTerm(), batch -> {
            membership.writeChanges(batch);
            if (saveV2) {
                V2Persistence.write(batch, v2);
            }
            lessor.writeChanges(batch);
            alarms.writeChanges(batch);
        });
        if (metrics != null) {
            metrics.backendCommit(System.nanoTime() - commitStart);
        }
        for (Runnable r : afterCommit) {
            r.run();
        }
        afterCommit.clear();
    }

    private void applyNormal(Entry e, RawNode node) {
        if (e.getData().isEmpty()) {
            // A new leader's empty entry: everything before it is applied now, so this member's
            // lessor takes over expiry (etcd promotes its lessor at this point).
            if (node.role() == RaftRole.LEADER && e.getTerm() == node.term()) {
                lessor.promote(leasePromotionExtend);
            }
            return;
        }
        InternalRaftRequest req;
        try {
            req = InternalRaftRequest.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            // Only this server writes entries; an undecodable one means corruption the WAL's CRC did not catch.
            throw new IllegalStateException("etcdserver: cannot decode entry at index " + e.getIndex(), ex);
        }
        long id = req.getHeader().getID() != 0 ? req.getHeader().getID() : req.getID();
        Object result;
        try {
            result = req.hasV2() ? applyV2(req, e) : switch (req.getRequestCase()) {
                case PUT -> {
                    refuseWhenOutOfSpace();
                    yield kv.put(req.getPut());
                }
                case DELETE_RANGE -> kv.deleteRange(req.getDeleteRange());
                case TXN -> {
                    if (!KvRequests.isReadOnly(req.getTxn())) {
                        refuseWhenOutOfSpace();
                    }
                    yield kv.txn(req.getTxn());
                }
                case LEASE_GRANT -> {
                    refuseWhenOutOfSpace();
                    GrantedLease granted = lessor.grant(req.getLeaseGrant().getID(), req.getLeaseGrant().getTTL());
                    yield LeaseGrantResponse.newBuilder().setHeader(revisionHeader()).setID(granted.id())
                            .setTTL(granted.ttl()).build();
                }
                case LEASE_REVOKE -> revokeLease(req.getLeaseRevoke().getID());
                case LEASE_CHECKPOINT -> {
                    for (LeaseCheckpoint c : req.getLeaseCheckpoint().getCheckpointsList()) {
                        lessor.checkpoint(c.getID(), c.getRemainingTTL());
                    }
                    yield LeaseCheckpointResponse.newBuilder().setHeader(revisionHeader()).build();
                }
                case ALARM -> applyAlarm(req.getAlarm());
                case COMPACTION -> kv.compact(req.getCompaction());
                case RANGE -> kv.range(req.getRange());
                case CLUSTER_MEMBER_ATTR_SET -> applyAttributes(req.getClusterMemberAttrSet());
                case CLUSTER_VERSION_SET -> applyClusterVersion(req.getClusterVersionSet().getVer());
                default -> throw EtcdError.NOT_IMPLEMENTED.exception();
            };
        } catch (EtcdException failure) {
            afterCommit.add(() -> waiters.fail(id, failure));
            return;
        }
        afterCommit.add(() -> waiters.trigger(id, result));
    }

    /** A v2 keys write (or quorum read, or the leader's expiry SYNC), applied to the v2 store. */
    private Object applyV2(InternalRaftRequest req, Entry e) {
        v2Dirty = true;
        return v2.apply(req.getV2(), e.getIndex(), e.getTerm());
    }

    /** etcd's capped applier: while NOSPACE is raised, nothing that adds data is applied. */
    private void refuseWhenOutOfSpace() {
        if (alarms.isRaised(AlarmType.NOSPACE)) {
            throw io.etcdj.spi.server.EtcdError.NO_SPACE.exception();
        }
    }

    private ResponseHeader revisionHeader() {
        return ResponseHeader.newBuilder().setRevision(store.currentRevision()).build();
    }

    /** Revokes a lease and deletes its keys in one write transaction (one revision), as etcd does. */
    private LeaseRevokeResponse revokeLease(long id) {
        List<ByteString> keys = lessor.revoke(id);
        if (!keys.isEmpty()) {
            try (WriteTxn txn = store.beginWrite()) {
                for (ByteString key : keys) {
                    txn.deleteRange(key, null, false);
                }
                txn.end();
            }
        }
        return LeaseRevokeResponse.newBuilder().setHeader(revisionHeader()).build();
    }

    private AlarmResponse applyAlarm(AlarmRequest r) {
        AlarmResponse.Builder response = AlarmResponse.newBuilder();
        switch (r.getAction()) {
            case GET -> response.addAllAlarms(alarms.list());
            case ACTIVATE -> {
                if (r.getAlarm() == AlarmType.NONE) {
                    break;
                }
                if (alarms.activate(r.getMemberID(), r.getAlarm())) {
                    LOG.log(System.Logger.Level.WARNING, "alarm {0} raised by peer {1}", r.getAlarm(),
                            Long.toHexString(r.getMemberID()));
                }
                response.addAlarms(io.etcdj.api.etcdserverpb.AlarmMember.newBuilder().setMemberID(r.getMemberID())
                        .setAlarm(r.getAlarm()));
            }
            case DEACTIVATE -> {
                var cleared = alarms.deactivate(r.getMemberID(), r.getAlarm());
                if (cleared != null) {
                    LOG.log(System.Logger.Level.WARNING, "alarm {0} disarmed {1}", r.getAlarm(),
                            Long.toHexString(r.getMemberID()));
                    response.addAlarms(cleared);
                }
            }
            default -> throw io.etcdj.spi.server.EtcdError.NOT_IMPLEMENTED.exception();
        }
        return response.build();
    }

    private Object applyAttributes(ClusterMemberAttrSetRequest r) {
        var attrs = r.getMemberAttributes();
        if (membership.member(r.getMemberID()) != null) {
            v2.cluster().setAttributes(r.getMemberID(), attrs.getName(), attrs.getClientUrlsList());
            v2Dirty = true;
        }
        if (!membership.setAttributes(r.getMemberID(), attrs.getName(), attrs.getClientUrlsList())) {
            LOG.log(System.Logger.Level.WARNING, "skipped publishing attributes of unknown member {0}",
                    Long.toHexString(r.getMemberID()));
        }
        return Boolean.TRUE;
    }

    private Object applyClusterVersion(String version) {
        String previous = membership.clusterVersion();
        String shown = majorMinor(version);
        membership.setClusterVersion(version);
        v2.cluster().setClusterVersion(version);
        v2Dirty = true;
        if (previous == null) {
            LOG.log(System.Logger.Level.INFO, "set the initial cluster version to {0}", shown);
        } else if (!previous.equals(version)) {
            LOG.log(System.Logger.Level.INFO, "updated the cluster version from {0} to {1}", majorMinor(previous), shown);
        }
        System.getLogger("etcdserver/api").log(System.Logger.Level.INFO, "enabled capabilities for version {0}", shown);
        return Boolean.TRUE;
    }

    /** etcd logs cluster versions as major.minor ("3.4"). */
    static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }

    /**
     * A committed membership change (etcd's applyConfChange): validated against the membership as
     * applied so far, exactly as every member validates it; a refused change never reaches the Raft
     * core, and its index is remembered so a replay refuses it again. The proposer (waiting on the
     * change's ID) gets the members afterwards, or the refusal.
     */
    private void applyConfChange(Entry e, RawNode node) {
        ConfChange cc = parseConfChange(e);
        Member context = cc.getContext().isEmpty() ? null : parseMember(cc, e.getIndex());
        EtcdError refusal = validate(cc, context);
        if (refusal != null) {
            membership.recordRefused(e.getIndex());
            LOG.log(System.Logger.Level.WARNING, "refused conf change {0} {1}: {2}", cc.getType(),
                    Long.toHexString(cc.getNodeId()), refusal.message());
            EtcdException failure = refusal.exception();
            afterCommit.add(() -> waiters.fail(cc.getId(), failure));
            return;
        }
        node.applyConfChange(cc);
        v2Dirty = true;
        long id = cc.getNodeId();
        Member existing = membership.member(id);
        Member changed = null;
        switch (cc.getType()) {
            case ConfChangeAddNode, ConfChangeAddLearnerNode -> {
                if (existing != null && existing.getIsLearner() && cc.getType() == ConfChangeType.ConfChangeAddNode) {
                    membership.promote(id);
                    v2.cluster().updateRaftAttributes(id, existing.getPeerUrlsList(), false);
                    LOG.log(System.Logger.Level.INFO, "promote member {0} in cluster {1}", Long.toHexString(id),
                            Long.toHexString(membership.clusterId()));
                } else {
                    Member m = context.toBuilder().setIsLearner(cc.getType() == ConfChangeType.ConfChangeAddLearnerNode).build();
                    membership.add(m);
                    v2.cluster().addMember(id, m.getPeerUrlsList(), m.getIsLearner());
                    LOG.log(System.Logger.Level.INFO, "added member {0} {1} to cluster {2}", Long.toHexString(id),
                            m.getPeerUrlsList(), Long.toHexString(membership.clusterId()));
                }
                changed = membership.member(id);
            }
            case ConfChangeRemoveNode -> {
                membership.remove(id);
                v2.cluster().removeMember(id);
                LOG.log(System.Logger.Level.INFO, "removed member {0} from cluster {1}", Long.toHexString(id),
                        Long.toHexString(membership.clusterId()));
            }
            case ConfChangeUpdateNode -> {
                membership.updatePeerUrls(id, context.getPeerUrlsList());
                v2.cluster().updateRaftAttributes(id, context.getPeerUrlsList(), existing.getIsLearner());
                changed = membership.member(id);
                LOG.log(System.Logger.Level.INFO, "updated member {0} {1} in cluster {2}", Long.toHexString(id),
                        context.getPeerUrlsList(), Long.toHexString(membership.clusterId()));
            }
            default -> throw new IllegalStateException("etcdserver: unknown conf change type " + cc.getType());
        }
        List<Member> after = membership.members();
        Member member = changed;
        afterCommit.add(() -> {
            membershipListener.changed(cc.getType(), id, member);
            waiters.trigger(cc.getId(), after);
        });
    }

    /** etcd's ValidateConfigurationChange, against the membership as applied up to this entry. */
    private EtcdError validate(ConfChange cc, Member context) {
        long id = cc.getNodeId();
        if (membership.isRemoved(id)) {
            return EtcdError.MEMBER_NOT_FOUND;  // etcd: membership.ErrIDRemoved, which clients see as not found
        }
        Member existing = membership.member(id);
        switch (cc.getType()) {
            case ConfChangeAddNode, ConfChangeAddLearnerNode -> {
                boolean promote = cc.getType() == ConfChangeType.ConfChangeAddNode && existing != null && existing.getIsLearner();
                if (promote) {
                    return null;
                }
                // A promotion names the member only (no peer URLs), as etcd's IsPromote context.
                boolean promotion = context == null || context.getPeerUrlsCount() == 0;
                if (existing != null) {
                    return promotion ? EtcdError.MEMBER_NOT_LEARNER : EtcdError.MEMBER_EXIST;
                }
                if (promotion) {
                    return EtcdError.MEMBER_NOT_FOUND;
                }
                if (peerUrlTaken(context.getPeerUrlsList(), id)) {
                    return EtcdError.PEER_URL_EXIST;
                }
                if (cc.getType() == ConfChangeType.ConfChangeAddLearnerNode) {
                    long learners = membership.members().stream().filter(Member::getIsLearner).count();
                    if (learners + 1 > maxLearners) {
                        return EtcdError.TOO_MANY_LEARNERS;
                    }
                }
                return null;
            }
            case ConfChangeRemoveNode -> {
                return existing == null ? EtcdError.MEMBER_NOT_FOUND : null;
            }
            case ConfChangeUpdateNode -> {
                if (existing == null) {
                    return EtcdError.MEMBER_NOT_FOUND;
                }
                return context != null && peerUrlTaken(context.getPeerUrlsList(), id) ? EtcdError.PEER_URL_EXIST : null;
            }
            default -> {
                return EtcdError.NOT_IMPLEMENTED;
            }
        }
    }

    private boolean peerUrlTaken(List<String> urls, long exceptId) {
        for (Member m : membership.members()) {
            if (m.getID() != exceptId) {
                for (String u : m.getPeerUrlsList()) {
                    if (urls.contains(u)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Member parseMember(ConfChange cc, long index) {
        try {
            return Member.parseFrom(cc.getContext());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("etcdserver: cannot decode member in conf change at " + index, ex);
        }
    }

    private static ConfChange parseConfChange(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("etcdserver: cannot decode conf change at index " + e.getIndex(), ex);
        }
    }

    @Override
    public void syncBackend() throws IOException {
        backend.sync();
    }

    @Override
    public void roleChanged(RaftRole newRole, long leader, long term) {
        this.role = newRole;
        if (newRole != RaftRole.LEADER) {
            lessor.demote();
        }
        roleListener.roleChanged(newRole, leader, term);
    }
}
