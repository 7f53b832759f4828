package io.etcdj.transport.http.peer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.etcdj.spi.transport.PeerTransportConfig;
import java.io.IOException;

/**
 * etcd's checks on every inbound peer request, in etcd's order: POST only (405), same cluster
 * (412 "cluster ID mismatch"), a sender named (400), addressed to this member (412 "to field
 * mismatch"), sender not removed from the cluster (410). Answers the refusals itself.
 */
final class PeerRequestCheck {
    private static final System.Logger LOG = System.getLogger(PeerRequestCheck.class.getName());

    private final long localMemberId;
    private final long clusterId;
    private final PeerTransportConfig.Handler handler;

    PeerRequestCheck(long localMemberId, long clusterId, PeerTransportConfig.Handler handler) {
        this.localMemberId = localMemberId;
        this.clusterId = clusterId;
        this.handler = handler;
    }

    /** The sender's ID if the request may go on; null if it was refused (and answered). */
    Long admit(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set(PeerHttpProtocol.CLUSTER_ID, PeerHttpProtocol.hex(clusterId));
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.METHOD_NOT_ALLOWED, "Method Not Allowed");
            return null;
        }
        Headers headers = exchange.getRequestHeaders();
        String remoteCluster = headers.getFirst(PeerHttpProtocol.CLUSTER_ID);
        Long remoteClusterId = PeerHttpProtocol.parseId(remoteCluster);
        if (remoteClusterId == null || remoteClusterId != clusterId) {
            LOG.log(System.Logger.Level.WARNING, "request cluster ID mismatch (got {0} want {1}) from {2} ({3})",
                    remoteCluster, PeerHttpProtocol.hex(clusterId), headers.getFirst(PeerHttpProtocol.SERVER_FROM),
                    exchange.getRemoteAddress());
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.PRECONDITION_FAILED, PeerHttpProtocol.CLUSTER_ID_MISMATCH);
            return null;
        }
        Long sender = PeerHttpProtocol.parseId(headers.getFirst(PeerHttpProtocol.SERVER_FROM));
        if (sender == null) {
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.BAD_REQUEST, "invalid " + PeerHttpProtocol.SERVER_FROM);
            return null;
        }
        Long to = PeerHttpProtocol.parseId(headers.getFirst(PeerHttpProtocol.RAFT_TO));
        if (to == null || to != localMemberId) {
            LOG.log(System.Logger.Level.WARNING, "ignored request from member {0}: ID mismatch (got {1} want {2})",
                    PeerHttpProtocol.hex(sender), headers.getFirst(PeerHttpProtocol.RAFT_TO), PeerHttpProtocol.hex(localMemberId));
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.PRECONDITION_FAILED, PeerHttpProtocol.TO_MISMATCH);
            return null;
        }
        if (handler.isRemoved(sender)) {
            LOG.log(System.Logger.Level.WARNING, "rejected request from member {0}: it was removed from the cluster",
                    PeerHttpProtocol.hex(sender));
            PeerHttpProtocol.respond(exchange, PeerHttpProtocol.GONE, PeerHttpProtocol.MEMBER_REMOVED);
            return null;
        }
        return sender;
    }
}
