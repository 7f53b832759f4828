package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.PeerTransport;
import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.PeerTransportProvider;

/**
 * Provides the gRPC peer transport, named {@code grpc}: Raft messages as one long-lived gRPC
 * stream per peer (plus one for snapshots), etcdj to etcdj only (etcd's rafthttp is not spoken).
 * {@link #create} does nothing; the transport binds and starts threads in {@code start()}.
 */
public final class GrpcPeerTransportProvider implements PeerTransportProvider {
    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public String description() {
        return "Raft messages over gRPC streams (grpc-java, Netty); etcdj members only";
    }

    @Override
    public PeerTransport create(PeerTransportConfig config) {
        return new GrpcPeerTransport(config);
    }
}
