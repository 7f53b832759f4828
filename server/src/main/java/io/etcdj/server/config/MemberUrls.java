package io.etcdj.server.config;

import java.net.URI;
import java.util.List;

/** Peer URLs given at run time (member add and update), checked as etcd's {@code types.NewURLs} checks them. */
public final class MemberUrls {
    private MemberUrls() {
    }

    /**
     * The URLs, sorted as etcd sorts them.
     *
     * @throws IllegalArgumentException with etcd's reason when one is not an http(s) URL with host:port and no path
     */
    public static List<String> parse(List<String> urls) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no URLs given");
        }
        for (String u : urls) {
            if (u.contains(",")) {
                throw new IllegalArgumentException("URL " + u + " contains a comma");
            }
        }
        try {
            return EtcdUrls.parse(String.join(",", urls)).stream().map(URI::toString).toList();
        } catch (EtcdUrls.UrlListException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
