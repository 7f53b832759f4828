package io.etcdj.transport.grpc;

import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.RequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
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
        CompletableFuture<R> future;
        try {
            future = method.apply(request, RequestContextInterceptor.current());
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
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
        LOG.log(System.Logger.Level.WARNING, "unexpected failure serving a request", t);
        return Status.UNKNOWN.withDescription(String.valueOf(t.getMessage())).withCause(t).asRuntimeException();
    }
}
