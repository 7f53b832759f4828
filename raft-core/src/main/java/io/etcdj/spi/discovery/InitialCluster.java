package io.etcdj.spi.discovery;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Member name to peer URLs, in the order given; this member is among them. */
public record InitialCluster(Map<String, List<URI>> members) {
    public InitialCluster {
        members = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(members));
    }
}
