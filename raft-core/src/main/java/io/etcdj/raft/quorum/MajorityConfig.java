package io.etcdj.raft.quorum;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * A set of voters decided by simple majority: the quorum arithmetic of Raft (commit index, election
 * result), with no I/O and no knowledge of the log. Immutable; IDs are kept sorted so every
 * iteration order is deterministic.
 */
public final class MajorityConfig {
    public static final MajorityConfig EMPTY = new MajorityConfig(new long[0]);

    private final long[] ids;

    private MajorityConfig(long[] sortedDistinctIds) {
        this.ids = sortedDistinctIds;
    }

    public static MajorityConfig of(Iterable<Long> voterIds) {
        LongStream.Builder b = LongStream.builder();
        voterIds.forEach(b::add);
        return new MajorityConfig(b.build().sorted().distinct().toArray());
    }

    public static MajorityConfig of(long... voterIds) {
        return new MajorityConfig(LongStream.of(voterIds).sorted().distinct().toArray());
    }

    public int size() {
        return ids.length;
    }

    public boolean contains(long id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    public MajorityConfig with(long id) {
        return contains(id) ? this : new MajorityConfig(LongStream.concat(LongStream.of(ids), LongStream.of(id)).sorted().toArray());
    }

    public MajorityConfig without(long id) {
        return contains(id) ? new MajorityConfig(LongStream.of(ids).filter(v -> v != id).toArray()) : this;
    }

    /** The voter IDs in ascending order. */
    public List<Long> ids() {
        return LongStream.of(ids).boxed().toList();
    }

    /** The smallest number of voters that forms a majority. */
    public int quorum() {
        return ids.length / 2 + 1;
    }

    /**
     * The largest index acknowledged by a majority: sort the acknowledged indexes and take the one
     * a quorum has reached. An empty configuration commits everything ({@link Long#MAX_VALUE}), as in
     * etcd, so that joint arithmetic stays neutral; callers check the term of what that names.
     */
    public long committedIndex(AckedIndexer acked) {
        int n = ids.length;
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = acked.ackedIndex(ids[i]);
        }
        Arrays.sort(sorted);
        // With ascending order, the entry at n - quorum is held by a quorum (itself and all after it).
        return sorted[n - quorum()];
    }

    /**
     * The result of an election given the votes so far (voter ID to granted); votes of non-members
     * are ignored. An empty configuration wins (nothing to ask).
     */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (ids.length == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : ids) {
            Boolean v = votes.get(id);
            if (v == null) {
                missing++;
            } else if (v) {
                granted++;
            }
        }
        int q = quorum();
        if (granted >= q) {
            return VoteResult.WON;
        }
        return granted + missing >= q ? VoteResult.PENDING : VoteResult.LOST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityConfig m && Arrays.equals(ids, m.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : " ").append(Long.toHexString(ids[i]));
        }
        return sb.append(')').toString();
    }
}
