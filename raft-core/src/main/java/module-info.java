/**
 * The Raft algorithm as a pure state machine ({@code io.etcdj.raft}) and the SPI packages every
 * etcdj plugin implements ({@code io.etcdj.spi.*}).
 */
module io.etcdj.raft {
    requires transitive io.etcdj.api;

    exports io.etcdj.raft;
    exports io.etcdj.spi;
    exports io.etcdj.spi.server;
    exports io.etcdj.spi.store;
    exports io.etcdj.spi.transport;
    exports io.etcdj.spi.transport.peer;
    exports io.etcdj.spi.discovery;
    exports io.etcdj.spi.security;
    exports io.etcdj.spi.proxy;
}
