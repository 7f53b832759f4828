package io.etcdj.raft;

/**
 * Deliberate defects the tests switch on (package-private, never set in production) to prove that
 * the simulator detects broken Raft implementations. Each names the safety rule it breaks.
 */
enum InjectedBug {
    NONE,
    /** A voter grants its vote without the §5.4.1 up-to-date check (breaks leader completeness). */
    VOTE_WITHOUT_LOG_CHECK,
    /** A voter grants a vote to every up-to-date candidate, forgetting whom it voted for in the term (breaks "one leader per term"). */
    VOTE_TWICE_IN_A_TERM
}
