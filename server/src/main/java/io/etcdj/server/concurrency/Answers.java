package io.etcdj.server.concurrency;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The one-call requests' answers: the server call's outcome, with its failure as etcd's service reports it. */
final class Answers {
    private Answers() {
    }

    /**
     * A future completed with {@code answer} of the call's value, or failed with the call's failure
     * (or {@code answer}'s) as {@link Failures#asServiceFailure} says — directly, not wrapped in a
     * {@code CompletionException}.
     */
    static <T, R> CompletableFuture<R> of(CompletableFuture<T> call, Function<? super T, ? extends R> answer) {
        CompletableFuture<R> out = new CompletableFuture<>();
        call.whenComplete((value, failure) -> {
            if (failure != null) {
                out.completeExceptionally(Failures.asServiceFailure(failure));
                return;
            }
            try {
                out.complete(answer.apply(value));
            } catch (RuntimeException e) {
                out.completeExceptionally(Failures.asServiceFailure(e));
            }
        });
        return out;
    }
}
