/**
 * etcdj over HTTP. Built so far: the peer transport named {@code http}
 * ({@code io.etcdj.transport.http.peer}), Raft traffic between etcdj members on
 * {@code --listen-peer-urls} as HTTP/1.1 requests under {@code /raft}, after etcd's rafthttp, with
 * the JDK's own server ({@code jdk.httpserver}) and client ({@code java.net.http}). Not built
 * yet: the HTTP face of the client port (v2 keys API, v3 JSON gateway, /health, /version,
 * /metrics), which will provide {@code io.etcdj.spi.transport.ClientTransportProvider}.
 *
 * <table>
 *   <caption>Peer transport</caption>
 *   <tr><th>what</th><th>how</th></tr>
 *   <tr><td>messages</td><td>{@code POST /raft/messages}: what is queued for the peer, in order, one
 *       request at a time; 204 once handed to the receiver</td></tr>
 *   <tr><td>snapshots</td><td>{@code POST /raft/snapshot}: the MsgSnap then the data, streamed; 204
 *       once the receiver took it; one in flight per peer</td></tr>
 *   <tr><td>identity</td><td>{@code X-Etcd-Cluster-ID}, {@code X-Server-From}, {@code X-Raft-To}
 *       (hexadecimal); 412 "cluster ID mismatch", 410 "the member has been permanently removed
 *       from the cluster"</td></tr>
 *   <tr><td>bounds</td><td>4096 messages or 64 MiB queued per peer (then dropped and reported
 *       unreachable); 64 MiB per message; 10 s per request; backoff 100 ms to 1 s after a
 *       failure</td></tr>
 *   <tr><td>URLs</td><td>{@code http} only (TLS not built yet)</td></tr>
 * </table>
 */
module io.etcdj.transport.http {
    requires io.etcdj.raft;
    requires jdk.httpserver;
    requires java.net.http;

    // Carries Raft traffic between etcdj members (--listen-peer-urls) as HTTP/1.1 requests.
    provides io.etcdj.spi.transport.PeerTransportProvider
            with io.etcdj.transport.http.peer.HttpPeerTransportProvider;
}
