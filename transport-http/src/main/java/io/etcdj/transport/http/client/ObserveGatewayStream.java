package io.etcdj.transport.http.client;

import com.google.protobuf.Message;
import io.etcdj.api.v3electionpb.LeaderResponse;
import io.etcdj.spi.server.ObserveSession;

/** {@code POST /v3/election/observe}: the election's leaders in turn, until the server ends the session. */
final class ObserveGatewayStream implements GatewayStream {
    private final ObserveSession session;
    private final Wakeup wakeup;
    /** A leader taken by {@link #ended()} to learn whether one was left. */
    private LeaderResponse lookahead;

    ObserveGatewayStream(ObserveSession session, Wakeup wakeup) {
        this.session = session;
        this.wakeup = wakeup;
    }

    @Override
    public Message poll() {
        LeaderResponse next = lookahead != null ? lookahead : session.poll();
        lookahead = null;
        return next;
    }

    @Override
    public boolean ended() {
        // Finished first, then empty: nothing is queued after the session finished.
        if (!session.isFinished()) {
            return false;
        }
        if (lookahead == null) {
            lookahead = session.poll();
        }
        if (lookahead != null) {
            wakeup.signal(); // so that the pump polls it instead of waiting
            return false;
        }
        return true;
    }

    @Override
    public GatewayFailure failure() {
        Throwable t = session.failure();
        return t == null ? null : GatewayFailure.of(t);
    }

    @Override
    public void close() {
        session.close();
    }
}
