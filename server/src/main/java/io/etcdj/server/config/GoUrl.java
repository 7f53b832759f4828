package io.etcdj.server.config;

/**
 * The part of Go's {@code net/url.Parse} that etcd's URL flags go through: scheme, authority (userinfo, host
 * and port syntax), path, query and fragment, with Go's error texts ({@code parse "http://a:b": invalid port
 * ":b" after host}). Hosts and paths are kept as written; {@link #toString()} rebuilds the URL the way Go's
 * {@code URL.String()} does for the URLs etcd accepts (which have no path).
 *
 * @param scheme     lower-cased scheme, or empty
 * @param opaque     the opaque part of {@code scheme:opaque} URLs, or empty
 * @param userinfo   raw userinfo before {@code @}, or null when absent
 * @param host       host and optional {@code :port}, or empty
 * @param path       raw path, or empty
 * @param rawQuery   query after {@code ?}, or empty
 * @param forceQuery whether the URL ends with a bare {@code ?}
 * @param fragment   raw fragment after {@code #}, or empty
 */
record GoUrl(String scheme, String opaque, String userinfo, String host, String path, String rawQuery,
             boolean forceQuery, String fragment) {

    /** A URL Go refuses to parse; the message is Go's {@code *url.Error} text. */
    static final class UrlException extends Exception {
        UrlException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code url.Parse(raw)}. */
    static GoUrl parse(String raw) throws UrlException {
        int hash = raw.indexOf('#');
        String beforeFragment = hash < 0 ? raw : raw.substring(0, hash);
        String fragment = hash < 0 ? "" : raw.substring(hash + 1);
        GoUrl url;
        try {
            url = parseWithoutFragment(beforeFragment);
        } catch (IllegalArgumentException e) {
            throw new UrlException("parse " + GoText.quote(beforeFragment) + ": " + e.getMessage());
        }
        if (!fragment.isEmpty()) {
            try {
                checkEscapes(fragment);
            } catch (IllegalArgumentException e) {
                throw new UrlException("parse " + GoText.quote(raw) + ": " + e.getMessage());
            }
        }
        return new GoUrl(url.scheme, url.opaque, url.userinfo, url.host, url.path, url.rawQuery, url.forceQuery,
                fragment);
    }

    private static GoUrl parseWithoutFragment(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("net/url: invalid control character in URL");
            }
        }
        if (raw.equals("*")) {
            return new GoUrl("", "", null, "", "*", "", false, "");
        }
        String scheme = "";
        String rest = raw;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                continue;
            }
            if (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    break;
                }
                continue;
            }
            if (c == ':') {
                if (i == 0) {
                    throw new IllegalArgumentException("missing protocol scheme");
                }
                scheme = raw.substring(0, i).toLowerCase(java.util.Locale.ROOT);
                rest = raw.substring(i + 1);
            }
            break;
        }
        boolean forceQuery = false;
        String rawQuery = "";
        if (rest.endsWith("?") && rest.indexOf('?') == rest.length() - 1) {
            forceQuery = true;
            rest = rest.substring(0, rest.length() - 1);
        } else {
            int q = rest.indexOf('?');
            if (q >= 0) {
                rawQuery = rest.substring(q + 1);
                rest = rest.substring(0, q);
            }
        }
        if (!rest.startsWith("/")) {
            if (!scheme.isEmpty()) {
                return new GoUrl(scheme, rest, null, "", "", rawQuery, forceQuery, "");
            }
            int slash = rest.indexOf('/');
            String segment = slash < 0 ? rest : rest.substring(0, slash);
            if (segment.contains(":")) {
                throw new IllegalArgumentException("first path segment in URL cannot contain colon");
            }
        }
        String userinfo = null;
        String host = "";
        if (rest.startsWith("//") && (!scheme.isEmpty() || !rest.startsWith("///"))) {
            String authority = rest.substring(2);
            rest = "";
            int slash = authority.indexOf('/');
            if (slash >= 0) {
                rest = authority.substring(slash);
                authority = authority.substring(0, slash);
            }
            int at = authority.lastIndexOf('@');
            host = parseHost(at < 0 ? authority : authority.substring(at + 1));
            if (at >= 0) {
                userinfo = authority.substring(0, at);
                if (!validUserinfo(userinfo)) {
                    throw new IllegalArgumentException("net/url: invalid userinfo");
                }
                checkEscapes(userinfo);
            }
        }
        checkEscapes(rest);
        return new GoUrl(scheme, "", userinfo, host, rest, rawQuery, forceQuery, "");
    }

    private static String parseHost(String host) {
        if (host.startsWith("[")) {
            int close = host.lastIndexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in host");
            }
            String colonPort = host.substring(close + 1);
            if (!validOptionalPort(colonPort)) {
                throw new IllegalArgumentException("invalid port " + GoText.quote(colonPort) + " after host");
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                String colonPort = host.substring(colon);
                if (!validOptionalPort(colonPort)) {
                    throw new IllegalArgumentException("invalid port " + GoText.quote(colonPort) + " after host");
                }
            }
        }
        checkEscapes(host);
        for (int i = host.indexOf('%'); i >= 0; i = host.indexOf('%', i + 3)) {
            // Go refuses percent-encoded ASCII in a host name, except %25 (an IPv6 zone's '%').
            String escape = host.substring(i, i + 3);
            if (Character.digit(escape.charAt(1), 16) < 8 && !escape.equals("%25")) {
                throw new IllegalArgumentException("invalid URL escape " + GoText.quote(escape));
            }
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < 0x80 && c != '%' && !allowedInHost(c)) {
                throw new IllegalArgumentException("invalid character " + GoText.quote(String.valueOf(c))
                        + " in host name");
            }
        }
        return host;
    }

    private static boolean allowedInHost(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "-_.~!$&'()*+,;=:[]<>\"".indexOf(c) >= 0;
    }

    private static boolean validOptionalPort(String port) {
        if (port.isEmpty()) {
            return true;
        }
        if (port.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean validUserinfo(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Go rejects a {@code %} not followed by two hex digits: {@code invalid URL escape "%zz"}. */
    private static void checkEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '%') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    String bad = s.substring(i, Math.min(s.length(), i + 3));
                    throw new IllegalArgumentException("invalid URL escape " + GoText.quote(bad));
                }
                i += 2;
            }
        }
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** Go's {@code URL.String()}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        if (!scheme.isEmpty()) {
            out.append(scheme).append(':');
        }
        if (!opaque.isEmpty()) {
            out.append(opaque);
        } else {
            if (!scheme.isEmpty() || !host.isEmpty() || userinfo != null) {
                if (!host.isEmpty() || !path.isEmpty() || userinfo != null) {
                    out.append("//");
                }
                if (userinfo != null) {
                    out.append(userinfo).append('@');
                }
                out.append(host);
            }
            out.append(path);
        }
        if (forceQuery || !rawQuery.isEmpty()) {
            out.append('?').append(rawQuery);
        }
        if (!fragment.isEmpty()) {
            out.append('#').append(fragment);
        }
        return out.toString();
    }
}
