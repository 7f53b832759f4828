package io.etcdj.transport.http.client;

import io.etcdj.spi.server.EtcdServerApi;
import java.io.IOException;

/**
 * Routes a client-port HTTP request as etcd 3.4 does (embed/serve.go's access controller, then
 * Go ServeMuxes): {@code /v3beta/} read as {@code /v3/}; CORS headers for any origin; OPTIONS
 * answered 200 with nothing else; a path that is not clean (or {@code /v3} without its slash)
 * redirected with 301; then {@code /v3/...} to the {@link Gateway}, the v2 routes, {@code /version},
 * {@code /health}, {@code /metrics}, and "404 page not found" for anything else.
 */
final class ClientRouter implements Connection.Handler {
    private final KeysHandler keys;
    private final MembersHandler members;
    private final StatsHandler stats;
    private final BasicHandlers basic;
    private final Gateway gateway;

    private final EtcdServerApi server;

    ClientRouter(EtcdServerApi server) {
        this.server = server;
        ClusterIdentity cluster = new ClusterIdentity(server);
        this.keys = new KeysHandler(server, cluster);
        this.members = new MembersHandler(server, cluster);
        this.stats = new StatsHandler(server);
        this.basic = new BasicHandlers(server);
        this.gateway = new Gateway(server);
    }

    @Override
    public void handle(Request request, Response response) throws IOException {
        String path = request.path();
        if (path.startsWith("/v3beta/")) {
            path = "/v3/" + path.substring("/v3beta/".length());
            request.rewritePath(path);
        }
        // etcd's default --cors is "*".
        response.header("Access-Control-Allow-Origin", "*");
        response.header("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE");
        response.header("Access-Control-Allow-Headers", "accept, content-type, authorization");
        if (request.method().equals("OPTIONS")) {
            response.send(200, new byte[0]);
            return;
        }
        if (!path.startsWith("/")) {
            // Go's ServeMux: a target such as "*" is a bad request.
            response.closeAfter();
            response.send(400, new byte[0]);
            return;
        }
        String clean = GoPaths.cleanPath(path);
        if (clean.equals("/v3")) {
            Replies.movedPermanently(request, response, "/v3/");
            return;
        }
        if (!clean.equals(path)) {
            Replies.movedPermanently(request, response, clean);
            return;
        }
        route(request, response, path);
    }

    private void route(Request request, Response response, String path) throws IOException {
        if (path.startsWith("/v2/") && !server.v2Enabled()) {
            // --enable-v2=false: etcd registers none of its v2 handlers.
            Replies.notFound(response);
        } else if (path.startsWith("/v3/")) {
            gateway.handle(request, response);
        } else if (path.equals(KeyRequestParser.KEYS_PREFIX) || path.startsWith(KeyRequestParser.KEYS_PREFIX + "/")) {
            keys.handle(request, response);
        } else if (path.equals(MembersHandler.MEMBERS_PREFIX) || path.startsWith(MembersHandler.MEMBERS_PREFIX + "/")) {
            members.handle(request, response);
        } else {
            switch (path) {
                case "/v2/machines" -> members.machines(request, response);
                case "/v2/stats/store" -> stats.store(request, response);
                case "/v2/stats/self" -> stats.self(request, response);
                case "/v2/stats/leader" -> stats.leader(request, response);
                case "/version" -> basic.version(request, response);
                case "/health" -> basic.health(request, response);
                case "/metrics" -> basic.metrics(request, response);
                default -> Replies.notFound(response);
            }
        }
    }
}
