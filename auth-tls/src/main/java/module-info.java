/**
 * TLS for client and peer links, auto-TLS, certificate CN identity. Not built yet: the server
 * refuses every TLS flag until this module provides {@code io.etcdj.spi.security.SecurityProvider}.
 */
module io.etcdj.auth.tls {
    requires io.etcdj.raft;
}
