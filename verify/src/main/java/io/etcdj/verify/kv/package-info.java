/**
 * Sequential models of etcd's key-value API for the linearizability checker.
 *
 * <p>Operations ({@link io.etcdj.verify.kv.KvOp}): put, get, delete and a compare-and-set transaction
 * ({@code If(value(key) == expected) Then(put(key, value))}, or {@code create_revision == 0} when no value is
 * expected). Outputs ({@link io.etcdj.verify.kv.KvResult}) carry etcd's revisions.
 *
 * <p>Two models, because of one trade-off:
 * <ul>
 *   <li>{@link io.etcdj.verify.kv.KvRegisterModel}: one register per key, values only. Every operation touches one
 *       key, so the history is partitioned by key (P-compositionality) and histories of thousands of operations
 *       check in milliseconds. It ignores revisions entirely, so it cannot see a revision handed out twice, a read
 *       whose header revision is stale, or writes to different keys taking effect in an order that contradicts
 *       their revisions.</li>
 *   <li>{@link io.etcdj.verify.kv.KvStoreModel}: the whole store, where every effective write takes the next global
 *       revision and reads report the store's revision and the key's create/mod revision and version. That
 *       global counter couples all keys, so the history cannot be partitioned: the search is exponential in the
 *       number of concurrent operations across all keys. Use it on short histories or few clients, and only when
 *       every write to the store during the test is recorded (an unrecorded writer moves the revision).</li>
 * </ul>
 * Both assume every key starts absent; use fresh keys per test.
 */
package io.etcdj.verify.kv;
