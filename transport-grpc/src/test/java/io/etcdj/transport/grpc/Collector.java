package io.etcdj.transport.grpc;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The client side of one call: records responses and the final status. With {@code manual}, the
 * client reads only as many responses as the test {@linkplain #request requests}.
 */
final class Collector<Q, R> implements ClientResponseObserver<Q, R> {
    final List<R> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> done = new CompletableFuture<>();
    private final Integer initialRequest;
    volatile ClientCallStreamObserver<Q> call;

    private Collector(Integer initialRequest) {
        this.initialRequest = initialRequest;
    }

    static <Q, R> Collector<Q, R> reading() {
        return new Collector<>(null);
    }

    /** Reads only {@code initial} responses until told otherwise. */
    static <Q, R> Collector<Q, R> manual(int initial) {
        return new Collector<>(initial);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        call = requestStream;
        if (initialRequest != null) {
            requestStream.disableAutoRequestWithInitial(initialRequest);
        }
    }

    void request(int n) {
        call.request(n);
    }

    @Override
    public void onNext(R value) {
        received.add(value);
    }

    @Override
    public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        done.complete(Status.OK);
    }

    Status status() throws Exception {
        return done.get(10, TimeUnit.SECONDS);
    }
}
