package io.etcdj.spi.server;

/**
 * What a transport knows about the caller of one request.
 *
 * @param authToken      the auth token sent with the request (gRPC metadata {@code token}, HTTP
 *                       {@code Authorization}), or null
 * @param requireLeader  the client asked to fail when there is no leader (gRPC metadata
 *                       {@code hasleader=true})
 * @param remoteAddress  the peer address for logs, or null
 */
public record RequestContext(String authToken, boolean requireLeader, String remoteAddress) {
    public static final RequestContext NONE = new RequestContext(null, false, null);
}
