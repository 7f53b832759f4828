/**
 * A linearizability checker in the style of Porcupine: Wing &amp; Gong's search with Lowe's memoization of
 * (set of linearized operations, model state), and P-compositionality (a history is linearizable iff each
 * independent partition of it is, see {@link io.etcdj.verify.linearizability.Model#partitionKey}).
 *
 * <p>Usage: {@code new LinearizabilityChecker().check(model, history)} returns a
 * {@link io.etcdj.verify.linearizability.LinearizabilityResult} whose verdict is LINEARIZABLE,
 * NOT_LINEARIZABLE (with a printable counterexample per failing partition) or UNKNOWN when the
 * {@link io.etcdj.verify.linearizability.Budget} ran out first. The problem is NP-complete; the budget is what
 * keeps a hard history from hanging a test.
 */
package io.etcdj.verify.linearizability;
