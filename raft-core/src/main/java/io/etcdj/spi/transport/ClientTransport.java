package io.etcdj.spi.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** A running client front end. */
public interface ClientTransport extends AutoCloseable {
    /** Binds every listen URL and starts serving. Fails if any address cannot be bound. */
    void start() throws IOException;

    /** The addresses actually bound (useful with port 0 in tests). */
    List<InetSocketAddress> boundAddresses();

    /** Stops accepting, lets in-flight calls finish for a short grace period, then stops. */
    @Override
    void close();
}
