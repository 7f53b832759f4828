/**
 * etcdj over HTTP/1.1: the peer transport named {@code http} ({@code io.etcdj.transport.http.peer})
 * and the client port's HTTP face, also named {@code http} ({@code io.etcdj.transport.http.client}).
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
 *
 * <table>
 *   <caption>Client transport (etcd 3.4's HTTP routes on the client port)</caption>
 *   <tr><th>route</th><th>what</th></tr>
 *   <tr><td>/v2/keys/...</td><td>the v2 keys API: forms parsed as etcd, etcd's v2 errors and headers;
 *       long-poll and streamed watches (a watch costs a virtual thread; a client that disconnects
 *       releases it at once)</td></tr>
 *   <tr><td>/v2/members, /v2/machines, /v2/stats/{store,self,leader}</td><td>etcd's JSON and texts</td></tr>
 *   <tr><td>/version, /health, /metrics</td><td>as etcd 3.4 (health: alarms, leader, quorum read)</td></tr>
 *   <tr><td>/v3/..., /v3beta/...</td><td>the v3 JSON gateway, as grpc-gateway 1.x (auth: 501 until
 *       built)</td></tr>
 *   <tr><td>bounds</td><td>request heads 1 MiB and 30 s; bodies twice --max-request-bytes plus
 *       512 KiB; gateway messages --max-request-bytes plus 512 KiB</td></tr>
 * </table>
 */
module io.etcdj.transport.http {
    requires io.etcdj.raft;
    requires io.etcdj.v2store;
    requires jdk.httpserver;
    requires java.net.http;
    requires com.google.protobuf.util;

    // Carries Raft traffic between etcdj members (--listen-peer-urls) as HTTP/1.1 requests.
    provides io.etcdj.spi.transport.PeerTransportProvider
            with io.etcdj.transport.http.peer.HttpPeerTransportProvider;
    // etcd's HTTP/1.1 client API (v2, JSON gateway, health, version, metrics) on the client port.
    provides io.etcdj.spi.transport.ClientTransportProvider
            with io.etcdj.transport.http.client.HttpClientTransportProvider;
}
