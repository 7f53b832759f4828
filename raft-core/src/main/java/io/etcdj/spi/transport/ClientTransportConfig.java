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
 */
public record ClientTransportConfig(List<URI> listenUrls, EtcdServerApi server, long maxConcurrentStreams) {
    public ClientTransportConfig {
        listenUrls = List.copyOf(listenUrls);
        Objects.requireNonNull(server, "server");
    }
}
