package io.etcdj.transport.grpc;

import io.etcdj.spi.server.RequestContext;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Lifts etcd's gRPC metadata ({@code token}, {@code hasleader}) into a {@link RequestContext}. */
final class RequestContextInterceptor implements ServerInterceptor {
    static final Context.Key<RequestContext> REQUEST_CONTEXT = Context.key("etcdj-request-context");
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String token = headers.get(TOKEN);
        if (token == null) {
            token = headers.get(AUTHORIZATION);
        }
        boolean requireLeader = "true".equals(headers.get(HAS_LEADER));
        var remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        RequestContext ctx = new RequestContext(token, requireLeader, remote == null ? null : remote.toString());
        return Contexts.interceptCall(Context.current().withValue(REQUEST_CONTEXT, ctx), call, headers, next);
    }

    static RequestContext current() {
        RequestContext ctx = REQUEST_CONTEXT.get();
        return ctx == null ? RequestContext.NONE : ctx;
    }
}
