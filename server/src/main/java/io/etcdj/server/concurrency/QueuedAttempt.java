package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.spi.server.EtcdException;
import java.util.concurrent.CompletableFuture;

/**
 * One lock or campaign request in progress: the waiter key it queued, the wait under way, and
 * the clean-up when it ends without success.
 *
 * <p>The request ends through {@link #result}: completed by the subclass, failed by a call, or
 * cancelled by the caller (the client went away) or {@linkplain #stop stopped} by the service.
 * Whenever it fails after its key was queued — even when the queueing transaction answers only
 * after the caller left — the key is {@linkplain #release released} exactly once, so an abandoned
 * waiter never blocks the ones behind it; the wait under way is cancelled, closing its watch.
 */
abstract class QueuedAttempt<T> implements Inflight.Stoppable {
    final CompletableFuture<T> result = new CompletableFuture<>();

    // Guarded by this.
    private ByteString key;
    private long createRevision;
    private CompletableFuture<?> waiting;
    /** The key was released, or is known to be gone: nothing left to clean up. */
    private boolean settled;

    QueuedAttempt() {
        result.whenComplete((value, failure) -> {
            if (failure != null) {
                ended();
            }
        });
    }

    /** Undoes the queueing of {@code key} (created at {@code createRevision}); failures are only logged. */
    protected abstract void release(ByteString key, long createRevision);

    /**
     * Records the key this request queued. Returns false, having released the key, when the
     * request already ended (the caller left while the transaction was in flight).
     */
    protected final boolean queued(ByteString key, long createRevision) {
        synchronized (this) {
            this.key = key;
            this.createRevision = createRevision;
            if (!result.isDone()) {
                return true;
            }
            if (settled) {
                return false;
            }
            settled = true;
        }
        release(key, createRevision);
        return false;
    }

    /** The key is gone already (its lease expired): a failure from now on releases nothing. */
    protected final synchronized void keyGone() {
        settled = true;
    }

    /** Makes {@code wait} the wait under way; cancels it at once when the request already ended. */
    protected final synchronized <W> CompletableFuture<W> waitFor(CompletableFuture<W> wait) {
        if (result.isDone()) {
            wait.cancel(false);
        } else {
            waiting = wait;
        }
        return wait;
    }

    /** Fails the request with what etcd's service would answer for {@code failure}. */
    protected final void fail(Throwable failure) {
        result.completeExceptionally(Failures.asServiceFailure(failure));
    }

    @Override
    public final void stop(EtcdException reason) {
        result.completeExceptionally(reason);
    }

    private void ended() {
        CompletableFuture<?> wait;
        ByteString toRelease = null;
        long revision = 0;
        synchronized (this) {
            wait = waiting;
            if (key != null && !settled) {
                settled = true;
                toRelease = key;
                revision = createRevision;
            }
        }
        if (wait != null) {
            wait.cancel(false);  // closes its watch
        }
        if (toRelease != null) {
            release(toRelease, revision);
        }
    }
}
