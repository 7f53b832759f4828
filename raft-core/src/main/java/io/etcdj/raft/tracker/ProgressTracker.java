package io.etcdj.raft.tracker;

import io.etcdj.api.raftpb.ConfState;
import io.etcdj.raft.quorum.MajorityConfig;
import io.etcdj.raft.quorum.VoteResult;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The membership of the group as the Raft state machine sees it — voters, learners, and the
 * {@link Progress} of each — plus the votes of the current election. Learners get a progress (the
 * leader replicates to them) but count for neither commit nor election. Iteration is in ID order,
 * so a run replays exactly.
 */
public final class ProgressTracker {
    private final int maxInflight;
    private MajorityConfig voters = MajorityConfig.EMPTY;
    private final TreeSet<Long> learners = new TreeSet<>();
    private final TreeMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();

    public ProgressTracker(int maxInflight) {
        this.maxInflight = maxInflight;
    }

    public int maxInflight() {
        return maxInflight;
    }

    public MajorityConfig voters() {
        return voters;
    }

    public NavigableSet<Long> learners() {
        return Collections.unmodifiableNavigableSet(learners);
    }

    /** The progress of {@code id}, or null when it is not a member. */
    public Progress progress(long id) {
        return progress.get(id);
    }

    public NavigableMap<Long, Progress> progressMap() {
        return Collections.unmodifiableNavigableMap(progress);
    }

    /** Visits every member (voters and learners) in ID order. */
    public void forEach(BiConsumer<Long, Progress> visitor) {
        progress.forEach(visitor);
    }

    /** Adds {@code id} as a voter (promoting it if it is a learner). */
    public void addVoter(long id, long next) {
        Progress pr = progress.get(id);
        if (pr == null) {
            pr = newProgress(next, false);
            progress.put(id, pr);
        }
        pr.setLearner(false);
        learners.remove(id);
        voters = voters.with(id);
    }

    /** Adds {@code id} as a learner (demoting it if it is a voter). */
    public void addLearner(long id, long next) {
        Progress pr = progress.get(id);
        if (pr == null) {
            pr = newProgress(next, true);
            progress.put(id, pr);
        }
        pr.setLearner(true);
        voters = voters.without(id);
        learners.add(id);
    }

    private Progress newProgress(long next, boolean learner) {
        Progress pr = new Progress(next, maxInflight, learner);
        // A new member counts as active, so a check-quorum round right after adding it does not
        // depose the leader before the member had a chance to answer.
        pr.setRecentActive(true);
        return pr;
    }

    public void remove(long id) {
        voters = voters.without(id);
        learners.remove(id);
        progress.remove(id);
    }

    /** The highest index a majority of voters has acknowledged (see {@link MajorityConfig#committedIndex}). */
    public long committed() {
        return voters.committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match();
        });
    }

    /** Whether a majority of voters was heard from since the last check (the leader counts itself). */
    public boolean quorumActive() {
        Map<Long, Boolean> active = new HashMap<>();
        progress.forEach((id, pr) -> {
            if (!pr.isLearner()) {
                active.put(id, pr.recentActive());
            }
        });
        return voters.voteResult(active) == VoteResult.WON;
    }

    /** Whether the group has exactly one voter (it is its own quorum). */
    public boolean isSingleton() {
        return voters.size() == 1;
    }

    public void resetVotes() {
        votes.clear();
    }

    /** Records a vote; a voter's first answer in an election is the one that counts. */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public VoteTally tallyVotes() {
        int granted = 0;
        int rejected = 0;
        for (long id : voters.ids()) {
            Boolean v = votes.get(id);
            if (v != null) {
                if (v) {
                    granted++;
                } else {
                    rejected++;
                }
            }
        }
        return new VoteTally(granted, rejected, voters.voteResult(votes));
    }

    public ConfState confState() {
        return ConfState.newBuilder().addAllVoters(voters.ids()).addAllLearners(learners).build();
    }

    @Override
    public String toString() {
        return "voters=" + voters + " learners=" + learners;
    }
}
