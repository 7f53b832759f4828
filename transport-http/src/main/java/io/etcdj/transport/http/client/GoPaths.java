package io.etcdj.transport.http.client;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go's {@code path.Clean} and net/http's {@code cleanPath}, by which ServeMux decides to redirect. */
final class GoPaths {
    private GoPaths() {
    }

    /** ServeMux's cleanPath: rooted, cleaned, with a trailing slash kept. */
    static String cleanPath(String p) {
        if (p.isEmpty()) {
            return "/";
        }
        if (p.charAt(0) != '/') {
            p = "/" + p;
        }
        String np = clean(p);
        if (p.endsWith("/") && !np.equals("/")) {
            np += "/";
        }
        return np;
    }

    /** Go's path.Clean for a rooted path: no "//", ".", ".." or trailing slash (but "/" itself). */
    static String clean(String p) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }
}
