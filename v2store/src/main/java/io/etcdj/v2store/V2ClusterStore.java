package io.etcdj.v2store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * etcd 3.4's membership records in the v2 store's cluster namespace {@code /0}
 * (etcdserver/api/membership/store.go): {@code /0/members/<id hex>/raftAttributes} and
 * {@code .../attributes}, {@code /0/removed_members/<id hex>}, {@code /0/version}.
 *
 * <p>Why the server should call these although it keeps membership in its backend: in etcd every
 * membership change is also a v2 store write, so it advances the v2 index. Calling the matching
 * method at the same point of the apply (in log order) keeps {@code X-Etcd-Index},
 * {@code modifiedIndex} and in-order key names identical to etcd's, and puts the membership in v2
 * snapshots as etcd does. None of it is visible through {@code /v2/keys}, which lives under /1.
 *
 * <p>Values are written as etcd's {@code json.Marshal} writes them. Failures are {@link V2Error}s
 * where etcd would panic (e.g. adding a member twice): they mean the caller's bookkeeping is wrong.
 * The reads ({@link #members()}, ...) do not touch the store's get counters.
 */
public final class V2ClusterStore {
    static final String MEMBERS = "/0/members";
    static final String REMOVED_MEMBERS = "/0/removed_members";
    /** etcd's {@code StoreClusterVersionKey()}. */
    static final String VERSION = "/0/version";
    private static final String RAFT_ATTRIBUTES = "raftAttributes";
    private static final String ATTRIBUTES = "attributes";
    /**
     * etcd's {@code storeMemberAttributeRegexp}, but anchored: etcd matches it anywhere in the
     * path, so a client PUT to {@code /v2/keys/x/0/members/1/attributes} reaches the membership
     * code and panics the server. Anchored, only {@code /0/...} paths (which clients cannot name) match.
     */
    private static final Pattern MEMBER_ATTRIBUTES_PATH = Pattern.compile("/0/members/[0-9a-fA-F]{1,16}/attributes");

    private final V2Store store;

    V2ClusterStore(V2Store store) {
        this.store = store;
    }

    /** etcd's {@code mustSaveMemberToStore} (member added): creates its raftAttributes. */
    public void addMember(long id, List<String> peerUrls, boolean isLearner) {
        store.create(memberKey(id) + "/" + RAFT_ATTRIBUTES, false, raftAttributesJson(peerUrls, isLearner), false,
                ExpireOptions.PERMANENT);
    }

    /** etcd's {@code mustUpdateMemberInStore} (peer URLs updated, learner promoted): updates raftAttributes. */
    public void updateRaftAttributes(long id, List<String> peerUrls, boolean isLearner) {
        store.update(memberKey(id) + "/" + RAFT_ATTRIBUTES, raftAttributesJson(peerUrls, isLearner),
                ExpireOptions.PERMANENT);
    }

    /** etcd's {@code mustDeleteMemberFromStore}: deletes the member's directory, then records it as removed (two indexes). */
    public void removeMember(long id) {
        store.delete(memberKey(id), true, true);
        store.create(REMOVED_MEMBERS + "/" + Long.toHexString(id), false, "", false, ExpireOptions.PERMANENT);
    }

    /** etcd's {@code mustUpdateMemberAttrInStore} (a member published its name and client URLs): sets attributes. */
    public void setAttributes(long id, String name, List<String> clientUrls) {
        store.set(memberKey(id) + "/" + ATTRIBUTES, false, attributesJson(name, clientUrls), ExpireOptions.PERMANENT);
    }

    /** etcd's {@code mustSaveClusterVersionToStore}: sets {@code /0/version} to e.g. "3.4.0". */
    public void setClusterVersion(String version) {
        store.set(VERSION, false, version, ExpireOptions.PERMANENT);
    }

    /** The members recorded, by ID (unsigned order), as etcd's {@code membersFromStore} reads them. */
    public List<V2Member> members() {
        NodeExtern dir = store.peek(MEMBERS, true);
        List<V2Member> out = new ArrayList<>();
        if (dir != null) {
            for (NodeExtern m : dir.nodes()) {
                out.add(toMember(m));
            }
        }
        out.sort(Comparator.comparing(V2Member::id, Long::compareUnsigned));
        return out;
    }

    /** IDs recorded under {@code /0/removed_members}, in unsigned order. */
    public List<Long> removedMembers() {
        NodeExtern dir = store.peek(REMOVED_MEMBERS, true);
        List<Long> out = new ArrayList<>();
        if (dir != null) {
            for (NodeExtern n : dir.nodes()) {
                out.add(parseId(GoPath.base(n.key())));
            }
        }
        out.sort(Long::compareUnsigned);
        return out;
    }

    /** The cluster version recorded, or null before one was set. */
    public String clusterVersion() {
        NodeExtern n = store.peek(VERSION, false);
        return n == null ? null : n.value();
    }

    /** Whether a PUT to {@code path} is a member publishing its attributes (etcd's apply intercepts it). */
    static boolean isMemberAttributesPath(String path) {
        return MEMBER_ATTRIBUTES_PATH.matcher(path).matches();
    }

    /**
     * etcd's applierV2 for a PUT to {@code /0/members/<id>/attributes}: decode the attributes and
     * record them if the member exists (etcd's {@code UpdateAttributes}). A removed or unknown
     * member, or a value that is not an attributes object, changes nothing; etcd logs the first
     * and panics on the others, which the anchored path match makes unreachable by clients.
     */
    void applyPublishedAttributes(String path, String value) {
        long id = parseId(GoPath.base(path.substring(0, path.lastIndexOf('/'))));
        Object parsed;
        try {
            parsed = JsonParser.parse(value);
        } catch (IllegalArgumentException notJson) {
            return;
        }
        if (!(parsed instanceof Map<?, ?> attrs) || store.peek(memberKey(id), false) == null) {
            return;
        }
        Object name = field(attrs, "name");
        List<String> urls = stringList(field(attrs, "clientURLs"));
        if (name != null && !(name instanceof String) || urls == null) {
            return;
        }
        setAttributes(id, name == null ? "" : (String) name, urls);
    }

    /** etcd's {@code nodeToMember}; a record not written as etcd writes it is reported, as etcd panics on it. */
    private V2Member toMember(NodeExtern dir) {
        try {
            return decodeMember(dir);
        } catch (RuntimeException malformed) {
            throw new IllegalStateException("v2 store: malformed member record under " + dir.key(), malformed);
        }
    }

    private V2Member decodeMember(NodeExtern dir) {
        long id = parseId(GoPath.base(dir.key()));
        List<String> peerUrls = List.of();
        boolean learner = false;
        String name = "";
        List<String> clientUrls = List.of();
        for (NodeExtern n : dir.nodes()) {
            Map<?, ?> json = (Map<?, ?>) JsonParser.parse(n.value());
            if (n.key().endsWith("/" + RAFT_ATTRIBUTES)) {
                peerUrls = stringList(field(json, "peerURLs"));
                learner = Boolean.TRUE.equals(field(json, "isLearner"));
            } else if (n.key().endsWith("/" + ATTRIBUTES)) {
                Object nm = field(json, "name");
                name = nm == null ? "" : (String) nm;
                clientUrls = stringList(field(json, "clientURLs"));
            }
        }
        return new V2Member(id, name, peerUrls, clientUrls, learner);
    }

    /** etcd's {@code MemberStoreKey}: IDs in lower-case hex without padding ({@code types.ID.String}). */
    static String memberKey(long id) {
        return MEMBERS + "/" + Long.toHexString(id);
    }

    private static long parseId(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    /** Go's {@code json.Marshal(RaftAttributes)}: peerURLs always, isLearner only when true. */
    static String raftAttributesJson(List<String> peerUrls, boolean isLearner) {
        StringBuilder b = new StringBuilder("{\"peerURLs\":");
        appendStrings(b, peerUrls);
        if (isLearner) {
            b.append(",\"isLearner\":true");
        }
        return b.append('}').toString();
    }

    /** Go's {@code json.Marshal(Attributes)}: name and clientURLs, each omitted when empty. */
    static String attributesJson(String name, List<String> clientUrls) {
        StringBuilder b = new StringBuilder("{");
        if (!name.isEmpty()) {
            b.append("\"name\":");
            GoJson.appendString(b, name);
        }
        if (!clientUrls.isEmpty()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append("\"clientURLs\":");
            appendStrings(b, clientUrls);
        }
        return b.append('}').toString();
    }

    private static void appendStrings(StringBuilder b, List<String> values) {
        b.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            GoJson.appendString(b, values.get(i));
        }
        b.append(']');
    }

    /** A field as Go's decoder finds it: names match case-insensitively, the last match wins. */
    private static Object field(Map<?, ?> object, String name) {
        Object found = null;
        for (Map.Entry<?, ?> e : object.entrySet()) {
            if (name.equalsIgnoreCase((String) e.getKey())) {
                found = e.getValue();
            }
        }
        return found;
    }

    /** A JSON array of strings (null elements read as "", as Go leaves them), empty for null, or null if not one. */
    private static List<String> stringList(Object json) {
        if (json == null) {
            return List.of();
        }
        if (!(json instanceof List<?> list)) {
            return null;
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o != null && !(o instanceof String)) {
                return null;
            }
            out.add(o == null ? "" : (String) o);
        }
        return out;
    }
}
