package io.etcdj.server.membership;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster IDs computed exactly as etcd does ({@code membership.newMember},
 * {@code RaftCluster.genID}), so a node bootstrapped with the same flags has the same IDs as etcd
 * (the single default node is member {@code 8e9e05c52164694d} of cluster {@code cdf818194e3a8c32}).
 */
public final class MemberIds {
    private MemberIds() {
    }

    /** SHA-1 over the sorted peer URLs, the cluster token and (for members added later) a time; first 8 bytes. */
    public static long memberId(Collection<String> peerUrls, String clusterToken, Long unixSeconds) {
        List<String> sorted = new ArrayList<>(peerUrls);
        sorted.sort(null);
        StringBuilder b = new StringBuilder();
        sorted.forEach(b::append);
        b.append(clusterToken);
        if (unixSeconds != null) {
            b.append(unixSeconds.longValue());
        }
        return first8(sha1(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** SHA-1 over the member IDs (sorted as unsigned, 8 bytes big-endian each); first 8 bytes. */
    public static long clusterId(Collection<Long> memberIds) {
        List<Long> sorted = new ArrayList<>(memberIds);
        sorted.sort(Long::compareUnsigned);
        ByteBuffer buf = ByteBuffer.allocate(8 * sorted.size());
        sorted.forEach(buf::putLong);
        return first8(sha1(buf.array()));
    }

    /** etcd prints IDs as lower-case hex without padding. */
    public static String hex(long id) {
        return Long.toHexString(id);
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
        }
    }

    private static long first8(byte[] hash) {
        return ByteBuffer.wrap(hash, 0, 8).getLong();
    }
}
