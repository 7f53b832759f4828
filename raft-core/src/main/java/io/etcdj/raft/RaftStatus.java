package io.etcdj.raft;

import io.etcdj.api.raftpb.ConfState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A point-in-time view of a node, for status endpoints, metrics and tests.
 *
 * @param progress on the leader, every member's replication progress by ID (empty elsewhere)
 */
public record RaftStatus(long id, long term, long vote, long commit, long applied, long leader, RaftRole role,
                         long leadTransferee, ConfState config, Map<Long, PeerProgress> progress) {

    /**
     * The leader's view of one member's log.
     *
     * @param state etcd's name of the replication state: {@code StateProbe}, {@code StateReplicate} or
     *              {@code StateSnapshot}
     */
    public record PeerProgress(long match, long next, String state, boolean learner, boolean recentActive,
                               int inflight, boolean paused) {
    }

    static RaftStatus of(Raft r) {
        Map<Long, PeerProgress> progress = new LinkedHashMap<>();
        if (r.role == RaftRole.LEADER) {
            r.tracker.forEach((id, pr) -> progress.put(id, new PeerProgress(pr.match(), pr.next(), stateName(pr.state()),
                    pr.isLearner(), pr.recentActive(), pr.inflights().count(), pr.isPaused())));
        }
        return new RaftStatus(r.id, r.term, r.vote, r.log.committed, r.log.applied, r.lead, r.role, r.leadTransferee,
                r.confState(), Collections.unmodifiableMap(progress));
    }

    private static String stateName(io.etcdj.raft.tracker.ProgressState s) {
        return switch (s) {
            case PROBE -> "StateProbe";
            case REPLICATE -> "StateReplicate";
            case SNAPSHOT -> "StateSnapshot";
        };
    }
}
