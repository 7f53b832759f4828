package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.api.etcdserverpb.TxnResponse;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3lockpb.LockRequest;
import io.etcdj.api.v3lockpb.LockResponse;
import io.etcdj.api.v3lockpb.UnlockRequest;
import io.etcdj.api.v3lockpb.UnlockResponse;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * etcd's v3lock service ({@code etcdserver/api/v3lock}): a distributed mutex over the server's
 * own KV, lease and watch calls, as {@code clientv3/concurrency.Mutex} implements it.
 *
 * <p><b>Lock.</b> Queues the key {@code name/<lease in hex>} with the request's lease (a new 60 s
 * lease when it names none, as etcd), or reuses that key when it exists (the same lease locking
 * again); the key with the lowest create revision holds the lock. A later waiter is answered once
 * every older key under the prefix was deleted; then, unlike etcd 3.4 and like etcd 3.5
 * (Jepsen's finding: a lock whose lease expired while waiting was still granted), it checks that
 * its key still exists and fails with "mutex: session is expired" when it does not. The answer
 * carries the key, to be passed to {@link #unlock}.
 *
 * <p><b>Leaving.</b> When the caller cancels the future (the client went away), or the wait
 * fails, the waiter's key is deleted (etcd's {@code Mutex.Unlock} on a failed wait) so it does not
 * block the waiters behind it, and the watch is closed.
 *
 * <p><b>Errors</b> are etcd's text with gRPC code Unknown, as etcd's service answers (see the
 * package comment).
 */
public final class LockService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("concurrency");

    private final EtcdServerApi server;
    private final Executor executor;
    private final Inflight inflight = new Inflight();

    /**
     * @param server   the server whose KV, lease and watch calls carry the locks
     * @param executor runs the polling of watch streams (never blocks in it); a task it rejects
     *                 runs on the signalling thread
     */
    public LockService(EtcdServerApi server, Executor executor) {
        this.server = Objects.requireNonNull(server, "server");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** {@code Lock.Lock}: completes once the caller holds the lock; cancel it to stop waiting. */
    public CompletableFuture<LockResponse> lock(LockRequest request, RequestContext context) {
        Attempt attempt = new Attempt(Keys.prefix(request.getName()), context);
        if (!inflight.add(attempt)) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        attempt.result.whenComplete((r, f) -> inflight.remove(attempt));
        SessionLease.of(server, request.getLease(), context).whenComplete((lease, failure) -> {
            if (failure != null) {
                attempt.fail(failure);
            } else {
                attempt.enqueue(lease);
            }
        });
        return attempt.result;
    }

    /** {@code Lock.Unlock}: deletes the lock key. */
    public CompletableFuture<UnlockResponse> unlock(UnlockRequest request, RequestContext context) {
        if (inflight.isClosed()) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        return Answers.of(server.deleteRange(DeleteRangeRequest.newBuilder().setKey(request.getKey()).build(), context),
                deleted -> UnlockResponse.newBuilder().setHeader(deleted.getHeader()).build());
    }

    /** Ends every lock request still waiting (they fail with ErrStopped, their keys are released); later calls fail. */
    @Override
    public void close() {
        inflight.close();
    }

    private final class Attempt extends QueuedAttempt<LockResponse> {
        private final ByteString prefix;
        private final RequestContext context;

        Attempt(ByteString prefix, RequestContext context) {
            this.prefix = prefix;
            this.context = context;
        }

        /** Mutex.Lock's one transaction: queue (or find) our key and read the current holder. */
        void enqueue(long lease) {
            if (result.isDone()) {
                return;  // the caller left while the lease was granted
            }
            ByteString key = Keys.waiterKey(prefix, lease);
            TxnRequest txn = TxnRequest.newBuilder()
                    .addCompare(Ops.createRevisionIs(key, 0))
                    .addSuccess(Ops.put(key, ByteString.EMPTY, lease))
                    .addSuccess(Ops.get(Keys.firstCreated(prefix)))
                    .addFailure(Ops.get(Keys.key(key)))
                    .addFailure(Ops.get(Keys.firstCreated(prefix)))
                    .build();
            server.txn(txn, context).whenComplete((response, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else {
                    queuedAs(key, response);
                }
            });
        }

        private void queuedAs(ByteString key, TxnResponse response) {
            long revision = response.getSucceeded() ? response.getHeader().getRevision()
                    : response.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
            if (!queued(key, revision)) {
                return;
            }
            List<KeyValue> holder = response.getResponses(1).getResponseRange().getKvsList();
            if (holder.isEmpty() || holder.get(0).getCreateRevision() == revision) {
                result.complete(LockResponse.newBuilder().setHeader(response.getHeader()).setKey(key).build());
                return;
            }
            waitFor(PredecessorWait.start(server, context, executor, prefix, revision - 1))
                    .whenComplete((header, failure) -> {
                        if (failure != null) {
                            fail(failure);
                        } else {
                            confirm(key);
                        }
                    });
        }

        /** etcd 3.5's check after the wait: the key (and so its lease) must still be there. */
        private void confirm(ByteString key) {
            waitFor(server.range(Keys.key(key), context)).whenComplete((read, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else if (read.getKvsCount() == 0) {
                    keyGone();
                    result.completeExceptionally(Failures.unknown(Failures.SESSION_EXPIRED));
                } else {
                    result.complete(LockResponse.newBuilder().setHeader(read.getHeader()).setKey(key).build());
                }
            });
        }

        @Override
        protected void release(ByteString key, long createRevision) {
            // etcd's Mutex.Unlock: a plain delete of the waiter key.
            server.deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build(), context)
                    .whenComplete((deleted, failure) -> {
                        if (failure != null) {
                            LOG.log(System.Logger.Level.WARNING, "concurrency: releasing lock key "
                                    + key.toStringUtf8() + " failed: " + failure.getMessage());
                        }
                    });
        }
    }
}
