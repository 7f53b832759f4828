package io.etcdj.transport.http.client;

import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.StatusCode;
import java.util.concurrent.CancellationException;

/** A failed call as the gateway reports it: gRPC status code and message. */
record GatewayFailure(StatusCode code, String message) {
    /** etcd's code and text for an {@link EtcdException}; UNKNOWN with the message for anything else. */
    static GatewayFailure of(Throwable failure) {
        Throwable t = Replies.cause(failure);
        if (t instanceof EtcdException e) {
            return new GatewayFailure(e.code(), e.getMessage());
        }
        if (t instanceof CancellationException) {
            return new GatewayFailure(StatusCode.CANCELLED, "context canceled");
        }
        return new GatewayFailure(StatusCode.UNKNOWN, Replies.message(t));
    }

    /** grpc-gateway's answer to a failed unary call (DefaultHTTPError). */
    void send(Response response) throws java.io.IOException {
        response.header("Content-Type", "application/json");
        response.send(GatewayJson.httpStatus(code), GatewayJson.errorBody(code, message));
    }
}
