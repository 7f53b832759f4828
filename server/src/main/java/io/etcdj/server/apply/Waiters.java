package io.etcdj.server.apply;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proposers waiting for their entries to apply, by request ID (etcd's {@code wait.Wait}). A proposal
 * registers before it is proposed; the apply step triggers it after the backend commit, with the
 * response or the error. IDs not registered here (proposed by another member, or by an earlier run of
 * this one) are applied without anyone to tell.
 */
public final class Waiters {
    private final ConcurrentHashMap<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();

    public CompletableFuture<Object> register(long id) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (waiting.putIfAbsent(id, f) != null) {
            throw new IllegalStateException("duplicate request id " + Long.toHexString(id));
        }
        return f;
    }

    public void trigger(long id, Object result) {
        CompletableFuture<Object> f = waiting.remove(id);
        if (f != null) {
            f.complete(result);
        }
    }

    public void fail(long id, Throwable error) {
        CompletableFuture<Object> f = waiting.remove(id);
        if (f != null) {
            f.completeExceptionally(error);
        }
    }

    /**
     * Fails every waiter registered so far (the Raft loop stopped: no apply will come for them).
     * A waiter registered concurrently with this call is either failed here or left to the caller,
     * whose proposal then fails with the stopped loop.
     */
    public void failAll(Throwable error) {
        for (Long id : waiting.keySet()) {
            fail(id, error);
        }
    }

    /** Forgets a waiter whose caller gave up (timeout) or whose proposal was never taken. */
    public void cancel(long id) {
        waiting.remove(id);
    }
}
