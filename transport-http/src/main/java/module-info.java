/**
 * The HTTP face of the client port: v2 keys API, v3 JSON gateway, /health, /version, /metrics; and
 * the HTTP peer transport. Not built yet: it will provide
 * {@code io.etcdj.spi.transport.ClientTransportProvider} and {@code PeerTransportProvider}.
 */
module io.etcdj.transport.http {
    requires io.etcdj.raft;
}
