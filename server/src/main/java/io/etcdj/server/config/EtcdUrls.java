package io.etcdj.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's {@code types.NewURLs}: a comma-separated list of URLs, each trimmed, each {@code http}, {@code https},
 * {@code unix} or {@code unixs}, each with a {@code host:port} and no path; the result is sorted by the URLs'
 * string form (so {@code --listen-client-urls} order is not preserved, as in etcd). Error texts are etcd's.
 */
final class EtcdUrls {
    private EtcdUrls() {
    }

    /** A URL list etcd would refuse; the message is etcd's. */
    static final class UrlListException extends Exception {
        UrlListException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code types.NewURLs(strings.Split(commaSeparated, ","))}, converted to Java URIs. */
    static List<URI> parse(String commaSeparated) throws UrlListException {
        List<GoUrl> urls = new ArrayList<>();
        for (String element : commaSeparated.split(",", -1)) {
            urls.add(parseOne(element.strip()));
        }
        urls.sort(Comparator.comparing(GoUrl::toString));
        List<URI> out = new ArrayList<>(urls.size());
        for (GoUrl url : urls) {
            out.add(toUri(url));
        }
        return List.copyOf(out);
    }

    private static GoUrl parseOne(String in) throws UrlListException {
        GoUrl url;
        try {
            url = GoUrl.parse(in);
        } catch (GoUrl.UrlException e) {
            throw new UrlListException(e.getMessage());
        }
        switch (url.scheme()) {
            case "http", "https", "unix", "unixs" -> { }
            default -> throw new UrlListException("URL scheme must be http, https, unix, or unixs: " + in);
        }
        if (!HostPort.isSplittable(url.host())) {
            throw new UrlListException("URL address does not have the form \"host:port\": " + in);
        }
        if (!url.path().isEmpty()) {
            throw new UrlListException("URL must not contain a path: " + in);
        }
        return url;
    }

    private static URI toUri(GoUrl url) throws UrlListException {
        try {
            return new URI(url.toString());
        } catch (URISyntaxException e) {
            // Go accepts a few URLs java.net.URI does not (raw non-ASCII hosts, for one).
            throw new UrlListException("etcdj cannot represent URL " + url + ": " + e.getReason());
        }
    }

    /** Go's {@code net.SplitHostPort}, reduced to what etcd needs: success and the host part. */
    static final class HostPort {
        private HostPort() {
        }

        static boolean isSplittable(String hostport) {
            return host(hostport) != null;
        }

        /** The host part, or null when Go's {@code SplitHostPort} fails. */
        static String host(String hostport) {
            int lastColon = hostport.lastIndexOf(':');
            if (lastColon < 0) {
                return null;
            }
            String host;
            int j = 0;
            int k = 0;
            if (hostport.startsWith("[")) {
                int end = hostport.indexOf(']');
                if (end < 0 || end + 1 != lastColon) {
                    return null;
                }
                host = hostport.substring(1, end);
                j = 1;
                k = end + 1;
            } else {
                host = hostport.substring(0, lastColon);
                if (host.indexOf(':') >= 0) {
                    return null;
                }
            }
            if (hostport.indexOf('[', j) >= 0 || hostport.indexOf(']', k) >= 0) {
                return null;
            }
            return host;
        }
    }
}
