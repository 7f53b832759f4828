package io.etcdj.transport.http.client;

import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import io.etcdj.spi.transport.ClientTransportProvider;

/**
 * Provides the client port's HTTP/1.1 face, named {@code http}: etcd's v2 keys, members and stats
 * API, the v3 JSON gateway, {@code /version}, {@code /health} and {@code /metrics}. Alone
 * ({@code --transport=http}) it serves the client URLs itself; beside the gRPC transport it is
 * started on loopback and the gRPC transport hands it every connection that is not HTTP/2.
 * Construction does nothing; see {@link ClientTransport#start()}.
 */
public final class HttpClientTransportProvider implements ClientTransportProvider {
    @Override
    public String name() {
        return "http";
    }

    @Override
    public String description() {
        return "etcd's HTTP/1.1 client API: v2 keys, members, stats, v3 JSON gateway, /health, /version, /metrics";
    }

    @Override
    public ClientTransport create(ClientTransportConfig config) {
        return new HttpClientTransport(config);
    }
}
