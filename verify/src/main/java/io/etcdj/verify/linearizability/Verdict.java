package io.etcdj.verify.linearizability;

/** What a linearizability check concluded. */
public enum Verdict {
    /** A linearization was found. */
    LINEARIZABLE,
    /** The whole search space was explored and no linearization exists. */
    NOT_LINEARIZABLE,
    /** The budget ran out before either was established. */
    UNKNOWN;

    /** Combines the verdicts of independent partitions: any violation wins, then any doubt. */
    static Verdict combine(Verdict a, Verdict b) {
        if (a == NOT_LINEARIZABLE || b == NOT_LINEARIZABLE) {
            return NOT_LINEARIZABLE;
        }
        return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : LINEARIZABLE;
    }
}
