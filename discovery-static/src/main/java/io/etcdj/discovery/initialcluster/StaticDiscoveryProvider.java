package io.etcdj.discovery.initialcluster;

import io.etcdj.spi.discovery.DiscoveryProvider;
import io.etcdj.spi.discovery.DiscoveryRequest;
import io.etcdj.spi.discovery.InitialCluster;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code --initial-cluster} the way etcd's {@code types.NewURLsMap} does. */
public final class StaticDiscoveryProvider implements DiscoveryProvider {

    @Override
    public String name() {
        return "static";
    }

    @Override
    public String description() {
        return "bootstrap from --initial-cluster";
    }

    @Override
    public boolean appliesTo(DiscoveryRequest request) {
        return request.discoveryUrl().isEmpty() && request.discoverySrv().isEmpty();
    }

    @Override
    public InitialCluster discover(DiscoveryRequest request) throws IOException {
        return new InitialCluster(parse(request.initialCluster()));
    }

    /**
     * {@code name1=http://a:2380,name1=http://b:2380,name2=http://c:2380}: a name may repeat to
     * give a member several peer URLs. Throws {@link IllegalArgumentException} with etcd's wording
     * on a malformed entry.
     */
    public static Map<String, List<URI>> parse(String initialCluster) {
        Map<String, List<URI>> members = new LinkedHashMap<>();
        if (initialCluster.isBlank()) {
            return members;
        }
        for (String part : initialCluster.split(",")) {
            String entry = part.trim();
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("malformed --initial-cluster entry " + quote(entry)
                        + ": want name=URL");
            }
            String name = entry.substring(0, eq);
            String url = entry.substring(eq + 1);
            members.computeIfAbsent(name, n -> new ArrayList<>()).add(parseUrl(url));
        }
        return members;
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("unix")
                    || scheme.equals("unixs"))) {
                throw new IllegalArgumentException("URL scheme must be http, https, unix, or unixs: " + url);
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("URL address does not have the form \"host:port\": " + url);
            }
            if (uri.getPath() != null && !uri.getPath().isEmpty()) {
                throw new IllegalArgumentException("URL must not contain a path: " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + quote(url) + ": " + e.getMessage());
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
