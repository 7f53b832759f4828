/**
 * The etcdj server: etcd's semantics over the plugins — bootstrap, flags and ETCD_* variables,
 * plugin selection, the Raft driver, the apply pipeline, membership, and {@code main}.
 *
 * <p>It {@code uses} every SPI; providers are chosen by name from the flags.
 */
module io.etcdj.server {
    requires io.etcdj.raft;
    requires io.etcdj.wal;
    requires io.etcdj.mvcc;
    requires io.etcdj.lease;
    requires io.etcdj.v2store;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires java.logging;

    exports io.etcdj.server;
    exports io.etcdj.server.config;
    exports io.etcdj.server.plugin;

    uses io.etcdj.spi.store.BackendProvider;
    uses io.etcdj.spi.transport.ClientTransportProvider;
    uses io.etcdj.spi.transport.PeerTransportProvider;
    uses io.etcdj.spi.discovery.DiscoveryProvider;
    uses io.etcdj.spi.security.SecurityProvider;
    uses io.etcdj.spi.proxy.ProxyProvider;
}
