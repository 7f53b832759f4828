/**
 * Static bootstrap from {@code --initial-cluster name=url,name=url,...}: the provider named
 * {@code static}. Applies whenever neither {@code --discovery} nor {@code --discovery-srv} is set.
 */
module io.etcdj.discovery.initialcluster {
    requires io.etcdj.raft;

    // The default way to bootstrap: chosen by name like any third-party provider.
    provides io.etcdj.spi.discovery.DiscoveryProvider
            with io.etcdj.discovery.initialcluster.StaticDiscoveryProvider;
}
