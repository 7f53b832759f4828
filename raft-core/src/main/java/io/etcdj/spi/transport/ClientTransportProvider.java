package io.etcdj.spi.transport;

import io.etcdj.spi.NamedProvider;

/**
 * A client front end plugin ({@code --transport=NAME}): serves the etcd client API on the client
 * URLs. Several may run at once (gRPC and HTTP share a port in etcd; see the transport modules).
 */
public interface ClientTransportProvider extends NamedProvider {
    /** Creates the transport; it must not bind or start threads before {@link ClientTransport#start()}. */
    ClientTransport create(ClientTransportConfig config);
}
