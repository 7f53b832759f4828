/**
 * A checker of etcd's watch guarantees over recorded watch streams.
 *
 * <p>The test supplies what happened, as a {@link io.etcdj.verify.watch.WriteLog}: the writes it knows were
 * committed, each with its revision (from acknowledged responses or reads), and the writes whose outcome is
 * unknown, without a revision. It records each watch stream with a {@link io.etcdj.verify.watch.WatchStreamRecorder}
 * (spec and every response as received). {@link io.etcdj.verify.watch.WatchChecker#check} then reports
 * {@link io.etcdj.verify.watch.WatchViolation}s of:
 * <ul>
 *   <li>order: events by increasing revision, never at or below a progress notification, nothing after the
 *       cancel;</li>
 *   <li>no duplicates, nothing outside the watched range, below the start revision or of a filtered type;</li>
 *   <li>no gaps: every event that happened in range from the start revision up to the stream's horizon (the last
 *       revision it delivered or was notified of, or that the test vouches for) is delivered, unless the stream was
 *       cancelled by a compaction; an all-keys watcher sees something at every revision;</li>
 *   <li>exact events: type, value, create and mod revision, version, and prev_kv when requested (never
 *       otherwise), as derived by replaying the log; no event for a write that never happened (phantom);</li>
 *   <li>atomic revisions: the events of one revision arrive in one response, unless the watch asked for
 *       fragmentation ({@link io.etcdj.verify.watch.WatchSpec#fragment()}); etcd 3.4 never splits a revision
 *       otherwise;</li>
 *   <li>agreement: where the log cannot tell a field (see below), all watchers that saw the event agree on it;</li>
 *   <li>compaction: a stream cancelled as compacted names a compact revision above the revision it still
 *       needed and not above the store's revision in that response's header.</li>
 * </ul>
 *
 * <p>Writes of unknown outcome may or may not appear. A watcher that reports one places it at a revision: from then
 * on it is a write that happened, which every watcher covering it must deliver, identically. Revisions that no known
 * or observed write accounts for make the keys an unplaced unknown write touches uncertain (their version,
 * create revision and prev_kv are then checked only for agreement between watchers) until a delete of the key
 * makes its state known again.
 *
 * <p>Assumptions: keys and values are strings; writes of unknown outcome are told apart by their content, so give
 * every put a distinct value; a watch with start revision 0 must record its created response (its start is
 * {@code header revision + 1}, or earlier, as etcd reads that header after registering the watcher).
 */
package io.etcdj.verify.watch;
