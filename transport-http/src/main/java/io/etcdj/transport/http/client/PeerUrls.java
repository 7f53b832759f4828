package io.etcdj.transport.http.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** etcd's {@code types.NewURLs}: checks member peer URLs and sorts them, with etcd's error texts. */
final class PeerUrls {
    private PeerUrls() {
    }

    /** A URL list etcd refuses; the message is etcd's. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static List<String> parse(List<String> urls) throws Invalid {
        if (urls.isEmpty()) {
            throw new Invalid("no valid URLs given");
        }
        List<String> out = new ArrayList<>(urls.size());
        for (String raw : urls) {
            String url = raw.strip();
            int colon = url.indexOf(':');
            String scheme = colon > 0 && isScheme(url.substring(0, colon)) ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            if (!List.of("http", "https", "unix", "unixs").contains(scheme)) {
                throw new Invalid("URL scheme must be http, https, unix, or unixs: " + url);
            }
            String rest = url.substring(colon + 1);
            int queryOrFragment = firstOf(rest, "?#", 0);
            rest = rest.substring(0, queryOrFragment);
            String host = "";
            String path = rest;
            if (rest.startsWith("//")) {
                int end = firstOf(rest, "/", 2);
                String authority = rest.substring(2, end);
                host = authority.substring(authority.lastIndexOf('@') + 1);
                path = rest.substring(end);
            }
            if (!hasHostAndPort(host)) {
                throw new Invalid("URL address does not have the form \"host:port\": " + url);
            }
            if (!path.isEmpty()) {
                throw new Invalid("URL must not contain a path: " + url);
            }
            out.add(url);
        }
        out.sort(null);
        return out;
    }

    private static int firstOf(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static boolean isScheme(String s) {
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            return false;
        }
        return s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'));
    }

    /** Go's {@code net.SplitHostPort} succeeds: "host:port" or "[v6]:port" (the port may be empty). */
    private static boolean hasHostAndPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close > 0 && hostPort.length() > close + 1 && hostPort.charAt(close + 1) == ':'
                    && hostPort.indexOf(':', close + 2) < 0;
        }
        int colon = hostPort.lastIndexOf(':');
        return colon >= 0 && hostPort.indexOf(':') == colon && hostPort.indexOf('[') < 0 && hostPort.indexOf(']') < 0;
    }
}
