package io.etcdj.spi.proxy;

import java.net.URI;
import java.util.List;

/**
 * @param mode            {@code on} or {@code readonly}
 * @param listenUrls      {@code --listen-client-urls}
 * @param clusterUrls     the members' client URLs to forward to
 */
public record ProxySettings(String mode, List<URI> listenUrls, List<URI> clusterUrls) {
    public ProxySettings {
        listenUrls = List.copyOf(listenUrls);
        clusterUrls = List.copyOf(clusterUrls);
    }
}
