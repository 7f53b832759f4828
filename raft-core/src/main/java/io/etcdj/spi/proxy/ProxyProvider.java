package io.etcdj.spi.proxy;

import io.etcdj.spi.NamedProvider;
import java.io.IOException;

/** The v2 proxy ({@code --proxy on|readonly}): forwards client requests to the cluster's members. */
public interface ProxyProvider extends NamedProvider {
    Proxy start(ProxySettings settings) throws IOException;

    /** A running proxy. */
    interface Proxy extends AutoCloseable {
        @Override
        void close();
    }
}
