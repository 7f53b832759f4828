/**
 * The history model shared by the checkers: {@link io.etcdj.verify.Operation}s with invocation and
 * completion times and an {@link io.etcdj.verify.Outcome}, collected into a
 * {@link io.etcdj.verify.History} either by hand ({@link io.etcdj.verify.History#builder()}) or by a
 * {@link io.etcdj.verify.HistoryRecorder} that client threads share while a test runs.
 *
 * <p>A test against an etcd-compatible server typically does:
 * <pre>{@code
 * HistoryRecorder<KvOp, KvResult> recorder = new HistoryRecorder<>();
 * // in each client thread, for each request:
 * var call = recorder.invoke(clientId, KvOp.put("k1", "v" + n));
 * try {
 *     PutResponse r = kv.put(key, value).get(1, SECONDS);
 *     call.ok(new KvResult.PutResult(r.getHeader().getRevision()));
 * } catch (TimeoutException | ExecutionException e) {
 *     call.info();               // unknown: may still be applied
 * }
 * // after the clients stopped:
 * LinearizabilityResult<KvOp, KvResult> result =
 *         new LinearizabilityChecker().check(new KvRegisterModel(), recorder.history());
 * assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::explain);
 * }</pre>
 * Watch streams are recorded and checked with {@code io.etcdj.verify.watch}.
 */
package io.etcdj.verify;
