/**
 * Token discovery ({@code --discovery <url>}, etcd's discovery protocol over the v2 keys API). Not
 * built yet: the server refuses the flag until this module provides a {@code DiscoveryProvider}.
 */
module io.etcdj.discovery.token {
    requires io.etcdj.raft;
}
