package io.etcdj.spi.transport;

import io.etcdj.spi.server.EtcdServerApi;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What the server hands a client transport.
 *
 * @param listenUrls            {@code --listen-client-urls}, already validated (scheme http or https)
 * @param server                the server facade every request goes to
 * @param maxConcurrentStreams  {@code --max-concurrent-streams} (HTTP/2 streams per connection)
 * @param httpFallback          where a transport that serves only its own protocol hands other
 *                              connections: etcd serves gRPC and HTTP/1.1 on one port, so the gRPC
 *                              transport passes every connection that does not open with the HTTP/2
 *                              preface to this address (the HTTP transport, started on loopback);
 *                              null when there is none (then such connections are closed)
 */
public record ClientTransportConfig(List<URI> listenUrls, EtcdServerApi server, long maxConcurrentStreams,
                                    java.net.InetSocketAddress httpFallback) {
    public ClientTransportConfig {
        listenUrls = List.copyOf(listenUrls);
        Objects.requireNonNull(server, "server");
    }

    public ClientTransportConfig(List<URI> listenUrls, EtcdServerApi server, long maxConcurrentStreams) {
        this(listenUrls, server, maxConcurrentStreams, null);
    }
}
