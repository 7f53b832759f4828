package io.etcdj.transport.http.client;

import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * {@code /v2/stats/store}, {@code /self} and {@code /leader}: the server's JSON as is (GET only).
 * A follower answers {@code /leader} with 403 {@code {"message":"not current leader"}}, as etcd.
 */
final class StatsHandler {
    private final EtcdServerApi server;

    StatsHandler(EtcdServerApi server) {
        this.server = server;
    }

    void store(Request request, Response response) throws IOException {
        serve(request, response, server::v2StoreStats);
    }

    void self(Request request, Response response) throws IOException {
        serve(request, response, server::v2SelfStats);
    }

    void leader(Request request, Response response) throws IOException {
        serve(request, response, server::v2LeaderStats);
    }

    private static void serve(Request request, Response response,
                              Function<RequestContext, CompletableFuture<byte[]>> stats) throws IOException {
        if (!Replies.allowMethod(request, response, "GET")) {
            return;
        }
        byte[] json;
        try {
            json = ServerCalls.await(() -> stats.apply(Contexts.of(request)));
        } catch (ExecutionException e) {
            if (Replies.cause(e) instanceof EtcdException ee && ee.error() == EtcdError.NOT_LEADER) {
                Replies.httpError(response, 403, "not current leader");
            } else {
                Replies.httpError(response, 500, "Internal Server Error");
            }
            return;
        }
        response.header("Content-Type", "application/json");
        response.send(200, json);
    }
}
