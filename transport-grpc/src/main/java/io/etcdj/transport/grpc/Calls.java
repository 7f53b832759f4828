package io.etcdj.transport.grpc;

import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.RequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;

/** Bridges one unary gRPC call to the server facade and maps failures to etcd's status codes. */
final class Calls {
    private static final System.Logger LOG = System.getLogger(Calls.class.getName());

    private Calls() {
    }

    static <Q, R> void unary(Q request, StreamObserver<R> observer,
                             BiFunction<Q, RequestContext, CompletableFuture<R>> method) {
        reply(invoke(request, method), observer);
    }

    /**
     * A unary call that may wait a long time for its answer ({@code Lock}, {@code Campaign}): when
     * the client cancels (or its deadline passes), the server's future is cancelled with
     * {@code cancel(true)}, as etcd cancels the request's context. The server must react to that
     * cancellation itself (stop waiting and undo what it started): cancelling a
     * {@link CompletableFuture} does not reach the stages it was derived from.
     */
    static <Q, R> void unaryCancelledWithClient(Q request, StreamObserver<R> observer,
                                                BiFunction<Q, RequestContext, CompletableFuture<R>> method) {
        CompletableFuture<R> future = invoke(request, method);
        ((ServerCallStreamObserver<R>) observer).setOnCancelHandler(() -> future.cancel(true));
        reply(future, observer);
    }

    private static <Q, R> CompletableFuture<R> invoke(Q request,
                                                      BiFunction<Q, RequestContext, CompletableFuture<R>> method) {
        try {
            return method.apply(request, RequestContextInterceptor.current());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <R> void reply(CompletableFuture<R> future, StreamObserver<R> observer) {
        future.whenComplete((response, failure) -> {
            if (failure == null) {
                observer.onNext(response);
                observer.onCompleted();
            } else {
                observer.onError(toStatus(failure));
            }
        });
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof EtcdException e) {
            return Status.fromCodeValue(e.code().value()).withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        if (t instanceof CancellationException) {
            // Only a client that went away cancels a call's future; the status reaches nobody.
            return Status.CANCELLED.withDescription("context canceled").asRuntimeException();
        }
        LOG.log(System.Logger.Level.WARNING, "unexpected failure serving a request", t);
        return Status.UNKNOWN.withDescription(String.valueOf(t.getMessage())).withCause(t).asRuntimeException();
    }
}
