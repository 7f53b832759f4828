package io.etcdj.raft.tracker;

/**
 * The leader's view of one follower's log (etcd raft's tracker.Progress): {@code match} is the
 * highest index known to be replicated there, {@code next} the first index to send next. Mutated
 * only by the Raft state machine that owns it.
 */
public final class Progress {
    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    /** In {@link ProgressState#SNAPSHOT}: the index of the snapshot being sent. */
    private long pendingSnapshot;
    /** Whether the follower was heard from since the last check-quorum round. */
    private boolean recentActive;
    /** In {@link ProgressState#PROBE}: a probe is outstanding, so wait for an answer or a heartbeat. */
    private boolean probeSent;
    private final Inflights inflights;
    private boolean learner;

    public Progress(long next, int maxInflight, boolean learner) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
        this.learner = learner;
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean active) {
        this.recentActive = active;
    }

    public boolean probeSent() {
        return probeSent;
    }

    public void setProbeSent(boolean sent) {
        this.probeSent = sent;
    }

    public Inflights inflights() {
        return inflights;
    }

    public boolean isLearner() {
        return learner;
    }

    public void setLearner(boolean learner) {
        this.learner = learner;
    }

    /** Starts afresh for a new term: nothing known to match, probe from {@code next}. */
    public void resetForTerm(long next, long match) {
        this.match = match;
        this.next = next;
        this.recentActive = false;
        resetState(ProgressState.PROBE);
    }

    private void resetState(ProgressState newState) {
        probeSent = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    public void becomeProbe() {
        // After a snapshot, the follower holds at least the snapshot: probe from just after it.
        long after = state == ProgressState.SNAPSHOT ? Math.max(match, pendingSnapshot) : match;
        resetState(ProgressState.PROBE);
        next = after + 1;
    }

    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** Forgets a failed snapshot so the next probe starts from what is known to match. */
    public void abortSnapshot() {
        pendingSnapshot = 0;
    }

    /**
     * The follower acknowledged {@code index}: raises match (and next if behind). Returns false for
     * an acknowledgment that tells nothing new (reordered or duplicated).
     */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /** Pipelining: assume the append up to {@code lastSent} arrives and send the next one right away. */
    public void optimisticUpdate(long lastSent) {
        next = lastSent + 1;
    }

    /**
     * The follower rejected the append whose previous index was {@code rejected}; {@code matchHint}
     * is the highest index that may still match. Returns false when the rejection is stale (the
     * leader already moved past it).
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;  // stale: that index is known to match
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;  // an answer to an older probe
        }
        next = Math.max(Math.min(rejected, matchHint + 1), 1);
        probeSent = false;
        return true;
    }

    /** Whether the leader should hold back appends to this follower for now. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (isPaused() ? " paused" : "") + (pendingSnapshot > 0 ? " pendingSnap=" + pendingSnapshot : "")
                + (recentActive ? "" : " inactive") + (inflights.count() > 0 ? " inflight=" + inflights.count() : "");
    }
}
