package io.etcdj.transport.grpc;

import io.etcdj.api.v3electionpb.*;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.ObserveSession;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * v3electionpb.Election (etcd 3.4 {@code etcdserver/api/v3election}). {@code Campaign} waits until
 * elected and is cancelled with its client ({@link Calls#unaryCancelledWithClient});
 * {@code Observe} streams leaders from an {@link ObserveSession} under flow control and ends with
 * OK when the session finishes normally, with the session's failure otherwise.
 */
final class ElectionService extends ElectionGrpc.ElectionImplBase {
    private final EtcdServerApi server;
    private final Executor executor;

    ElectionService(EtcdServerApi server, Executor executor) {
        this.server = server;
        this.executor = executor;
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> observer) {
        Calls.unaryCancelledWithClient(request, observer, server::campaign);
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> observer) {
        Calls.unary(request, observer, server::proclaim);
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
        Calls.unary(request, observer, server::leader);
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> observer) {
        Calls.unary(request, observer, server::resign);
    }

    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
        ObserveSession session;
        try {
            session = server.observe(request, RequestContextInterceptor.current());
        } catch (RuntimeException e) {
            observer.onError(Calls.toStatus(e));
            return;
        }
        ResponsePump<LeaderResponse> pump =
                new ResponsePump<>((ServerCallStreamObserver<LeaderResponse>) observer, executor);
        session.setListener(pump::resume);
        pump.start(new Leaders(session));
    }

    /** The leaders an {@link ObserveSession} reports, ending when it finishes. */
    private static final class Leaders implements ResponseSource<LeaderResponse> {
        private final ObserveSession session;
        private boolean finished;

        Leaders(ObserveSession session) {
            this.session = session;
        }

        @Override
        public LeaderResponse next() throws Exception {
            // Finished is read before polling: a session finishes only after queueing its last
            // response, so finished-then-empty means nothing is left.
            boolean finishing = session.isFinished();
            LeaderResponse leader = session.poll();
            if (leader == null && finishing) {
                finished = true;
                Throwable failure = session.failure();
                if (failure instanceof Exception e) {
                    throw e;
                }
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
            }
            return leader;
        }

        @Override
        public boolean ended() {
            return finished;
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
