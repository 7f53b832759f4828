package io.etcdj.server.config;

/**
 * Whether Go's {@code net.ParseIP} accepts a string: a dotted IPv4 address (no leading zeros, as since Go
 * 1.17) or an IPv6 address (with an optional trailing IPv4 part, no zone). etcd uses it to insist that listen
 * URLs name an IP address, never a host name to resolve. Never touches DNS.
 */
final class GoIp {
    private GoIp() {
    }

    static boolean isIp(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || part.length() > 1 && part.charAt(0) == '0') {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String s) {
        int groups = 0;
        boolean ellipsis = false;
        int i = 0;
        if (s.startsWith("::")) {
            ellipsis = true;
            i = 2;
            if (i == s.length()) {
                return true;
            }
        }
        while (i < s.length()) {
            int end = i;
            while (end < s.length() && isHex(s.charAt(end))) {
                end++;
            }
            if (end < s.length() && s.charAt(end) == '.') {
                // Trailing IPv4 part: only in the last 32 bits.
                if (!ellipsis && groups != 6 || groups > 6 || !isIpv4(s.substring(i))) {
                    return false;
                }
                groups += 2;
                i = s.length();
                break;
            }
            int digits = end - i;
            if (digits == 0 || digits > 4) {
                return false;
            }
            groups++;
            i = end;
            if (i == s.length()) {
                break;
            }
            if (s.charAt(i) != ':' || i + 1 == s.length()) {
                return false;
            }
            i++;
            if (s.charAt(i) == ':') {
                if (ellipsis) {
                    return false;
                }
                ellipsis = true;
                i++;
                if (i == s.length()) {
                    break;
                }
            }
            if (groups >= 8) {
                return false;
            }
        }
        return ellipsis ? groups < 8 : groups == 8;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
