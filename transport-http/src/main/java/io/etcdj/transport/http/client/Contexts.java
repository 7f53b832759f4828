package io.etcdj.transport.http.client;

import io.etcdj.spi.server.RequestContext;

/** What the server learns about the caller of an HTTP request. */
final class Contexts {
    private Contexts() {
    }

    /**
     * The auth token is the Authorization header, as etcd reads it from gateway requests; a
     * gateway client asks to require a leader with grpc-gateway's metadata header
     * {@code Grpc-Metadata-Hasleader: true}.
     */
    static RequestContext of(Request request) {
        String token = request.headers().first("Authorization");
        boolean requireLeader = "true".equals(request.headers().first("Grpc-Metadata-Hasleader"));
        return new RequestContext(token, requireLeader, request.remoteAddress());
    }
}
