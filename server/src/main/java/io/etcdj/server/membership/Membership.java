package io.etcdj.server.membership;

import io.etcdj.api.serverpb.Member;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's members as the applied log says (etcd's {@code RaftCluster}). Changed only by the
 * apply step (conf-change entries and published attributes) and persisted in the backend's
 * {@value #BUCKET} bucket within the same batch as the applied index, so it restarts exactly as
 * applied. Readers on other threads see an immutable copy.
 */
public final class Membership {
    /** Backend bucket: member ID (8 bytes big-endian) to a serialized {@link Member}. */
    public static final String BUCKET = "members";
    /** Backend bucket: cluster-wide settings ({@code clusterVersion}). */
    public static final String CLUSTER_BUCKET = "cluster";
    /** Backend bucket: IDs of removed members (8 bytes big-endian), which may never come back (etcd's members_removed). */
    public static final String REMOVED_BUCKET = "members_removed";
    private static final byte[] CLUSTER_VERSION_KEY = "clusterVersion".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    /** Key prefix in the cluster bucket: conf-change entries the apply step refused (by Raft index). */
    private static final String REFUSED_PREFIX = "confChangeRefused/";

    private final long clusterId;
    private volatile List<Member> members = List.of();
    private final Map<Long, Member> dirty = new TreeMap<>(Long::compareUnsigned);
    private volatile String clusterVersion;
    private boolean clusterVersionDirty;
    private final java.util.Set<Long> removed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Long> removedDirty = new ArrayList<>();
    private final java.util.NavigableSet<Long> refused = new java.util.TreeSet<>();
    private final List<Long> refusedDirty = new ArrayList<>();

    private Membership(long clusterId) {
        this.clusterId = clusterId;
    }

    /** Loads the members stored in the backend. */
    public static Membership load(long clusterId, ReadView view) {
        Membership m = new Membership(clusterId);
        m.reload(view);
        return m;
    }

    /** Replaces everything with what {@code view} holds (after a snapshot from the leader). */
    public void reload(ReadView view) {
        Membership m = this;
        dirty.clear();
        removed.clear();
        removedDirty.clear();
        refused.clear();
        refusedDirty.clear();
        clusterVersionDirty = false;
        List<Member> loaded = new ArrayList<>();
        view.scan(BUCKET, new byte[0], null, (key, value) -> {
            try {
                loaded.add(Member.parseFrom(value));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("membership: corrupt member record " + hexKey(key), e);
            }
            return true;
        });
        m.publish(loaded);
        byte[] v = view.get(CLUSTER_BUCKET, CLUSTER_VERSION_KEY);
        m.clusterVersion = v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8);
        view.scan(REMOVED_BUCKET, new byte[0], null, (key, value) -> {
            m.removed.add(ByteBuffer.wrap(key).getLong());
            return true;
        });
        byte[] prefix = REFUSED_PREFIX.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        view.scan(CLUSTER_BUCKET, prefix, null, (key, value) -> {
            String k = new String(key, java.nio.charset.StandardCharsets.UTF_8);
            if (!k.startsWith(REFUSED_PREFIX)) {
                return false;
            }
            m.refused.add(Long.parseLong(k.substring(REFUSED_PREFIX.length())));
            return true;
        });
    }

    public long clusterId() {
        return clusterId;
    }

    /** The version the cluster runs at ("3.4.0"), or null before the leader has set it. */
    public String clusterVersion() {
        return clusterVersion;
    }

    /** Apply step: the leader decided the cluster version. */
    public void setClusterVersion(String version) {
        clusterVersion = version;
        clusterVersionDirty = true;
    }

    /** Every member, ordered by ID. */
    public List<Member> members() {
        return members;
    }

    public Member member(long id) {
        for (Member m : members) {
            if (m.getID() == id) {
                return m;
            }
        }
        return null;
    }

    /** Apply step: a member added by a committed conf change (idempotent on replay). */
    public void add(Member member) {
        replace(member);
    }

    /** True when the member was removed from the cluster (its ID may never be used again). */
    public boolean isRemoved(long id) {
        return removed.contains(id);
    }

    /** Apply step: a member removed by a committed conf change (idempotent on replay). */
    public void remove(long id) {
        List<Member> next = new ArrayList<>();
        for (Member m : members) {
            if (m.getID() != id) {
                next.add(m);
            }
        }
        publish(next);
        dirty.remove(id);
        if (removed.add(id)) {
            removedDirty.add(id);
        }
    }

    /** Apply step: new peer URLs for a member (etcd's member update). */
    public boolean updatePeerUrls(long id, List<String> peerUrls) {
        Member m = member(id);
        if (m == null) {
            return false;
        }
        replace(m.toBuilder().clearPeerUrls().addAllPeerUrls(peerUrls).build());
        return true;
    }

    /** Apply step: a learner became a voting member. */
    public boolean promote(long id) {
        Member m = member(id);
        if (m == null) {
            return false;
        }
        replace(m.toBuilder().setIsLearner(false).build());
        return true;
    }

    /**
     * Apply step: the conf-change entry at {@code index} was refused (invalid when applied), so the
     * Raft core never took it. Remembered so a replay after restart refuses it again without
     * re-validating against a membership that has moved on since.
     */
    public void recordRefused(long index) {
        if (refused.add(index)) {
            refusedDirty.add(index);
        }
    }

    public boolean wasRefused(long index) {
        return refused.contains(index);
    }

    /** Apply step: a member published its name and client URLs. */
    public boolean setAttributes(long id, String name, List<String> clientUrls) {
        Member m = member(id);
        if (m == null) {
            return false;
        }
        replace(m.toBuilder().setName(name).clearClientUrls().addAllClientUrls(clientUrls).build());
        return true;
    }

    private void replace(Member member) {
        List<Member> next = new ArrayList<>();
        for (Member m : members) {
            if (m.getID() != member.getID()) {
                next.add(m);
            }
        }
        next.add(member);
        publish(next);
        dirty.put(member.getID(), member);
    }

    private void publish(List<Member> list) {
        List<Member> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparing(Member::getID, Long::compareUnsigned));
        members = List.copyOf(sorted);
    }

    /** Adds the changes since the last call to the batch that also carries the applied index. */
    public void writeChanges(WriteBatch batch) {
        for (Member m : dirty.values()) {
            batch.put(BUCKET, ByteBuffer.allocate(8).putLong(m.getID()).array(), m.toByteArray());
        }
        dirty.clear();
        for (long id : removedDirty) {
            batch.delete(BUCKET, ByteBuffer.allocate(8).putLong(id).array());
            batch.put(REMOVED_BUCKET, ByteBuffer.allocate(8).putLong(id).array(), new byte[] {1});
        }
        removedDirty.clear();
        for (long index : refusedDirty) {
            batch.put(CLUSTER_BUCKET, (REFUSED_PREFIX + index).getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[0]);
        }
        refusedDirty.clear();
        if (clusterVersionDirty) {
            batch.put(CLUSTER_BUCKET, CLUSTER_VERSION_KEY, clusterVersion.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            clusterVersionDirty = false;
        }
    }

    private static String hexKey(byte[] key) {
        return key.length == 8 ? Long.toHexString(ByteBuffer.wrap(key).getLong()) : java.util.HexFormat.of().formatHex(key);
    }
}
