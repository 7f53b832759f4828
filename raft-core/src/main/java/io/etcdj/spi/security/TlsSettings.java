package io.etcdj.spi.security;

import java.nio.file.Path;

/**
 * One side's TLS flags (client side: {@code --cert-file} ...; peer side: {@code --peer-cert-file} ...).
 *
 * @param certFile        certificate chain (PEM), or null with {@code autoTls}
 * @param keyFile         private key (PEM), or null with {@code autoTls}
 * @param trustedCaFile   CA bundle for verifying the other side, or null
 * @param clientCertAuth  require and verify the other side's certificate
 * @param autoTls         generate a self-signed certificate in {@code autoTlsDir}
 * @param autoTlsDir      where generated material lives
 */
public record TlsSettings(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth,
                          boolean autoTls, Path autoTlsDir) {
}
