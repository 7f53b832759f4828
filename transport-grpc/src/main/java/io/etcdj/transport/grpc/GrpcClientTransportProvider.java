package io.etcdj.transport.grpc;

import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.etcdj.spi.transport.ClientTransportProvider;

/** Provides the gRPC client front end. Construction does nothing; see {@link GrpcClientTransport#start()}. */
public final class GrpcClientTransportProvider implements ClientTransportProvider {
    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public String description() {
        return "etcd v3 gRPC API (grpc-java, Netty)";
    }

    @Override
    public ClientTransport create(ClientTransportConfig config) {
        return new GrpcClientTransport(config);
    }
}
