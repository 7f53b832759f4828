package io.etcdj.transport.grpc;

import io.grpc.stub.StreamObserver;

/** The request side of a stream that was refused before it started: whatever the client still sends is ignored. */
final class NoRequests<Q> implements StreamObserver<Q> {
    private static final NoRequests<?> INSTANCE = new NoRequests<>();

    private NoRequests() {
    }

    @SuppressWarnings("unchecked")
    static <Q> StreamObserver<Q> instance() {
        return (StreamObserver<Q>) INSTANCE;
    }

    @Override
    public void onNext(Q value) {
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }
}
