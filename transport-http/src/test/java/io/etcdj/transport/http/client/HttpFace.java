package io.etcdj.transport.http.client;

import io.etcdj.spi.transport.ClientTransport;
import io.etcdj.spi.transport.ClientTransportConfig;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts the HTTP face on a free loopback port in front of a {@link FakeEtcd}, for each test. */
abstract class HttpFace {
    final FakeEtcd etcd = new FakeEtcd();
    ClientTransport transport;
    int port;

    @BeforeEach
    void start() throws IOException {
        configure();
        transport = new HttpClientTransportProvider().create(
                new ClientTransportConfig(List.of(URI.create("http://127.0.0.1:0")), etcd, 0));
        transport.start();
        port = transport.boundAddresses().get(0).getPort();
    }

    /** Adjusts the fake server before the transport starts. */
    void configure() {
    }

    @AfterEach
    void stop() {
        transport.close();
    }
}
