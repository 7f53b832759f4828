/**
 * The v2 proxy ({@code --proxy on|readonly}). Not built yet: the server refuses {@code --proxy}
 * other than {@code off} until this module provides {@code io.etcdj.spi.proxy.ProxyProvider}.
 */
module io.etcdj.proxy {
    requires io.etcdj.raft;
}
