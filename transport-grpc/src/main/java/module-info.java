/**
 * The etcd v3 client API over gRPC (grpc-java on shaded Netty): the client transport named
 * {@code grpc}, the default. Serves, on every {@code --listen-client-urls} address, the services
 * below; services not built yet (etcdserverpb.Auth) are answered with gRPC's UNIMPLEMENTED. A
 * request that is not a valid protobuf message gets INTERNAL, as from etcd.
 *
 * <p>Also the peer transport named {@code grpc} ({@code io.etcdj.transport.grpc.peer}): Raft
 * messages between etcdj members as long-lived gRPC streams on {@code --listen-peer-urls}.
 *
 * <table>
 *   <caption>Services</caption>
 *   <tr><th>service</th><th>methods</th><th>notes</th></tr>
 *   <tr><td>etcdserverpb.KV</td><td>Range, Put, DeleteRange, Txn, Compact</td><td>unary</td></tr>
 *   <tr><td>etcdserverpb.Watch</td><td>Watch</td><td>bidi; one server watch session per stream;
 *       responses sent only as fast as the client reads them; stays open after the client
 *       half-closes, as in etcd</td></tr>
 *   <tr><td>etcdserverpb.Lease</td><td>LeaseGrant, LeaseRevoke, LeaseTimeToLive, LeaseLeases,
 *       LeaseKeepAlive</td><td>keep-alive: one answer per request, in order; an unknown lease is
 *       answered with TTL 0; at most 16 renewals in flight per stream</td></tr>
 *   <tr><td>etcdserverpb.Cluster</td><td>MemberList, MemberAdd, MemberRemove, MemberUpdate,
 *       MemberPromote</td><td>unary</td></tr>
 *   <tr><td>etcdserverpb.Maintenance</td><td>Status, Alarm, Defragment, Hash, HashKV, MoveLeader,
 *       Snapshot</td><td>Snapshot: 32 KiB chunks, then the SHA-256, under flow control</td></tr>
 *   <tr><td>v3lockpb.Lock</td><td>Lock, Unlock</td><td>a client cancelling Lock cancels the server's future</td></tr>
 *   <tr><td>v3electionpb.Election</td><td>Campaign, Proclaim, Leader, Resign, Observe</td><td>a client
 *       cancelling Campaign cancels the server's future; Observe streams under flow control</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>flag</th><th>effect</th><th>default</th></tr>
 *   <tr><td>--listen-client-urls</td><td>addresses served</td><td>http://localhost:2379</td></tr>
 *   <tr><td>--max-request-bytes</td><td>largest request accepted; gRPC frames may exceed it by
 *       512 KiB of overhead, as in etcd</td><td>1572864</td></tr>
 *   <tr><td>--max-concurrent-streams</td><td>HTTP/2 streams per connection</td><td>unlimited</td></tr>
 * </table>
 */
module io.etcdj.transport.grpc {
    requires io.etcdj.raft;
    requires io.grpc;
    requires io.grpc.stub;
    requires io.grpc.netty.shaded;

    // The default client front end; chosen by --transport=grpc like any third-party transport.
    provides io.etcdj.spi.transport.ClientTransportProvider
            with io.etcdj.transport.grpc.GrpcClientTransportProvider;
    // Carries Raft traffic between etcdj members (--listen-peer-urls) as gRPC streams.
    provides io.etcdj.spi.transport.PeerTransportProvider
            with io.etcdj.transport.grpc.peer.GrpcPeerTransportProvider;
}
