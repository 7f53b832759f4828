package io.etcdj.spi.discovery;

import java.net.URI;
import java.util.List;

/**
 * The bootstrap flags, as given.
 *
 * @param memberName               {@code --name}
 * @param advertisePeerUrls        {@code --initial-advertise-peer-urls}
 * @param initialCluster           {@code --initial-cluster} (may be empty)
 * @param initialClusterToken      {@code --initial-cluster-token}
 * @param discoveryUrl             {@code --discovery} (may be empty)
 * @param discoverySrv             {@code --discovery-srv} (may be empty)
 * @param discoverySrvName         {@code --discovery-srv-name} (may be empty)
 */
public record DiscoveryRequest(String memberName, List<URI> advertisePeerUrls, String initialCluster,
                               String initialClusterToken, String discoveryUrl, String discoverySrv,
                               String discoverySrvName) {
    public DiscoveryRequest {
        advertisePeerUrls = List.copyOf(advertisePeerUrls);
    }
}
