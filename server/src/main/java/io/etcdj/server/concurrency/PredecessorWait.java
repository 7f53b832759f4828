package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * etcd's {@code waitDeletes}: waits until no key under a prefix was created at or before a
 * revision. It reads the newest such key, waits for its deletion, and reads again, so it watches
 * one key at a time and is woken once per predecessor that leaves.
 *
 * <p>The returned future completes with the header of the read that found none left, or fails
 * with the first failing call. Cancelling it (or failing it) ends the wait in progress and closes
 * its watch.
 *
 * <p>One difference from etcd: when the watch cannot start because its revision was compacted,
 * etcd's wait fails with ErrCompacted; this one reads again, which finds the predecessor gone or
 * watches it from the present.
 */
final class PredecessorWait {
    private final EtcdServerApi server;
    private final RequestContext context;
    private final Executor executor;
    private final ByteString prefix;
    private final long maxCreateRevision;
    private final CompletableFuture<ResponseHeader> done = new CompletableFuture<>();
    private CompletableFuture<?> step;  // guarded by this: the read or watch in progress

    private PredecessorWait(EtcdServerApi server, RequestContext context, Executor executor, ByteString prefix,
                            long maxCreateRevision) {
        this.server = server;
        this.context = context;
        this.executor = executor;
        this.prefix = prefix;
        this.maxCreateRevision = maxCreateRevision;
    }

    static CompletableFuture<ResponseHeader> start(EtcdServerApi server, RequestContext context, Executor executor,
                                                   ByteString prefix, long maxCreateRevision) {
        PredecessorWait wait = new PredecessorWait(server, context, executor, prefix, maxCreateRevision);
        wait.done.whenComplete((header, failure) -> {
            if (failure != null) {
                wait.cancelStep();
            }
        });
        wait.look();
        return wait.done;
    }

    private void look() {
        CompletableFuture<RangeResponse> read;
        try {
            read = server.range(Keys.lastCreatedUpTo(prefix, maxCreateRevision), context);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        track(read).whenComplete((response, failure) -> {
            if (failure != null) {
                done.completeExceptionally(Failures.unwrap(failure));
            } else if (response.getKvsCount() == 0) {
                done.complete(response.getHeader());
            } else {
                track(DeletionWatch.await(server, context, executor, response.getKvs(0).getKey(),
                        response.getHeader().getRevision()))
                        .whenComplete((outcome, watchFailure) -> {
                            if (watchFailure != null) {
                                done.completeExceptionally(Failures.unwrap(watchFailure));
                            } else {
                                look();  // deleted, or compacted away: either way read the present again
                            }
                        });
            }
        });
    }

    /** Makes {@code next} the step in progress; cancels it at once when the wait has already ended. */
    private synchronized <T> CompletableFuture<T> track(CompletableFuture<T> next) {
        if (done.isDone()) {
            next.cancel(false);
        } else {
            step = next;
        }
        return next;
    }

    private synchronized void cancelStep() {
        if (step != null) {
            step.cancel(false);
        }
    }
}
