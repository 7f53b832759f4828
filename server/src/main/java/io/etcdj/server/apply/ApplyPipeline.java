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

    /** Told (on the Raft thread) when this member's role changes; must not block. */
    public interface RoleListener {
        void roleChanged(RaftRole role, long leader, long term);
    }

    /**
     * @param leasePromotionExtend added to every lease's TTL when this member becomes leader (etcd
     *                             passes the election timeout), so leases do not expire during the handover
     */
    public ApplyPipeline(MvccStore store, Backend backend, KvApplier kv, Membership membership, Lessor lessor,
                         Alarms alarms, Duration leasePromotionExtend, Waiters waiters, RoleListener roleListener) {
        this.store = store;
        this.backend = backend;
        this.kv = kv;
        this.membership = membership;
        this.lessor = lessor;
        this.alarms = alarms;
        this.leasePromotionExtend = leasePromotionExtend;
        this.waiters = waiters;
        this.roleListener = roleListener;
    }

    public RaftRole role() {
        return role;
    }

    @Override
    public void apply(List<Entry> committed, RawNode node) throws IOException {
        long alreadyApplied = store.consistentIndex();
        Entry last = null;
        for (Entry e : committed) {
            if (e.getIndex() <= alreadyApplied) {
                if (e.getType() == io.etcdj.api.raftpb.EntryType.EntryConfChange) {
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
        store.commit(last.getIndex(), last.getTerm(), batch -> {
            membership.writeChanges(batch);
            lessor.writeChanges(batch);
            alarms.writeChanges(batch);
        });
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
            result = switch (req.getRequestCase()) {
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

    private void applyConfChange(Entry e, RawNode node) {
        ConfChange cc = parseConfChange(e);
        node.applyConfChange(cc);
        if (cc.getType() == ConfChangeType.ConfChangeAddNode || cc.getType() == ConfChangeType.ConfChangeAddLearnerNode) {
            try {
                Member m = Member.parseFrom(cc.getContext());
                membership.add(m);
                LOG.log(System.Logger.Level.INFO, "added member {0} {1} to cluster {2}", Long.toHexString(m.getID()),
                        m.getPeerUrlsList(), Long.toHexString(membership.clusterId()));
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("etcdserver: cannot decode member in conf change at " + e.getIndex(), ex);
            }
        } else {
            // TODO(issue 4): member removal and update through conf changes.
            throw new IllegalStateException("etcdserver: conf change " + cc.getType() + " is not supported yet");
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
