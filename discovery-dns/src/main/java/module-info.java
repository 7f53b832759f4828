/**
 * DNS SRV discovery ({@code --discovery-srv}). Not built yet: the server refuses the flag with a
 * clear error until this module provides {@code io.etcdj.spi.discovery.DiscoveryProvider}.
 */
module io.etcdj.discovery.dns {
    requires io.etcdj.raft;
}
