package io.etcdj.transport.grpc;

import io.etcdj.api.etcdserverpb.WatchGrpc;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.WatchSession;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * etcdserverpb.Watch: one {@link WatchSession} per stream (etcd 3.4 {@code v3rpc/watch.go}).
 * Requests go to the session as they arrive; responses are pulled from it by a
 * {@link ResponsePump} as fast as the client reads them.
 *
 * <p>As in etcd, the client half-closing its side does not end the stream: the watchers keep
 * reporting until the client cancels. The stream ends with an error when the server throws an
 * {@code EtcdException} from {@code poll} or {@code handle}.
 */
final class WatchService extends WatchGrpc.WatchImplBase {
    private final EtcdServerApi server;
    private final Executor executor;

    WatchService(EtcdServerApi server, Executor executor) {
        this.server = server;
        this.executor = executor;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) responses;
        WatchSession session;
        try {
            session = server.watch(RequestContextInterceptor.current());
        } catch (RuntimeException e) {
            call.onError(Calls.toStatus(e));
            return NoRequests.instance();
        }
        call.disableAutoRequest();
        ResponsePump<WatchResponse> pump = new ResponsePump<>(call, executor);
        WatchEventSource stream = new WatchEventSource(session, call, pump);
        session.setListener(pump::resume);
        pump.start(stream);
        call.request(1);
        return stream;
    }

    /**
     * Both directions of one watch stream. Incoming requests are read one at a time and the next
     * one only while the client also reads responses (etcd's receive loop likewise stalls when its
     * control responses back up): a client that only writes cannot make the session queue
     * responses without limit.
     */
    private static final class WatchEventSource implements StreamObserver<WatchRequest>, ResponseSource<WatchResponse> {
        private final WatchSession session;
        private final ServerCallStreamObserver<WatchResponse> call;
        private final ResponsePump<WatchResponse> pump;
        /** A request was handled while the client was not reading; the next is read once it does. */
        private final AtomicBoolean nextRequestHeld = new AtomicBoolean();

        WatchEventSource(WatchSession session, ServerCallStreamObserver<WatchResponse> call,
                         ResponsePump<WatchResponse> pump) {
            this.session = session;
            this.call = call;
            this.pump = pump;
        }

        @Override
        public void onNext(WatchRequest request) {
            try {
                session.handle(request);
            } catch (RuntimeException e) {
                pump.fail(e);
                return;
            }
            // Hold first, then look: a client that becomes ready in between is seen by either this
            // check or the pump's next clientReady(), so the stream never stalls.
            nextRequestHeld.set(true);
            if (call.isReady()) {
                clientReady();
            }
        }

        @Override
        public void clientReady() {
            if (nextRequestHeld.compareAndSet(true, false)) {
                call.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            // The client cancelled: the pump was told by gRPC and closes the session.
        }

        @Override
        public void onCompleted() {
            // etcd keeps a half-closed watch stream open (recvLoop returns nil, the send loop runs on).
        }

        @Override
        public WatchResponse next() {
            return session.poll();
        }

        @Override
        public boolean ended() {
            return false;
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
