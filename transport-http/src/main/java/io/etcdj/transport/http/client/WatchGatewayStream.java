package io.etcdj.transport.http.client;

import com.google.protobuf.Message;
import io.etcdj.spi.server.WatchSession;

/** {@code POST /v3/watch}: one server watch session; each request body message is a watch request. */
final class WatchGatewayStream implements GatewayStream {
    private final WatchSession session;

    WatchGatewayStream(WatchSession session) {
        this.session = session;
    }

    @Override
    public Message poll() {
        return session.poll();
    }

    /** A watch stream ends only when the client goes away. */
    @Override
    public boolean ended() {
        return false;
    }

    @Override
    public GatewayFailure failure() {
        return null;
    }

    @Override
    public void close() {
        session.close();
    }
}
