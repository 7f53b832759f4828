/**
 * The etcd v3 client API over gRPC (grpc-java on shaded Netty): the client transport named
 * {@code grpc}, the default. Serves the KV, Maintenance and Cluster services of
 * {@code etcdserverpb} on every {@code --listen-client-urls} address; services not built yet are
 * answered with gRPC's UNIMPLEMENTED.
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
}
