package io.etcdj.spi.discovery;

import io.etcdj.spi.NamedProvider;
import java.io.IOException;

/**
 * Finds the initial members of a new cluster. The server asks each installed provider whether it
 * {@link #appliesTo applies} to the flags given ({@code --initial-cluster}, {@code --discovery},
 * {@code --discovery-srv}); exactly one must.
 */
public interface DiscoveryProvider extends NamedProvider {
    boolean appliesTo(DiscoveryRequest request);

    /** The initial cluster, including this member. May block (network look-ups). */
    InitialCluster discover(DiscoveryRequest request) throws IOException;
}
