package io.etcdj.spi.security;

import io.etcdj.spi.NamedProvider;
import java.io.IOException;
import javax.net.ssl.SSLContext;

/**
 * TLS for client and peer links ({@code --cert-file}, {@code --peer-cert-file}, {@code --auto-tls}, ...).
 * Transports ask it for contexts; they never read key files themselves.
 */
public interface SecurityProvider extends NamedProvider {
    SSLContext serverContext(TlsSettings settings) throws IOException;

    SSLContext clientContext(TlsSettings settings) throws IOException;
}
