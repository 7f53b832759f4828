package io.etcdj.v2store;

/**
 * The parts of Go's {@code path} package that etcd's v2 store relies on. Paths are compared and
 * split exactly as Go does so that keys, error causes and watcher matching are identical.
 */
final class GoPath {
    private GoPath() {
    }

    /** Go's {@code path.Clean(path.Join("/", p))}: the canonical absolute form of a user path. */
    static String cleanAbsolute(String p) {
        return clean("/" + p);
    }

    /** Go's {@code path.Join(dir, name)} for two elements. */
    static String join(String dir, String name) {
        if (dir.isEmpty() && name.isEmpty()) {
            return "";
        }
        if (dir.isEmpty()) {
            return clean(name);
        }
        if (name.isEmpty()) {
            return clean(dir);
        }
        return clean(dir + "/" + name);
    }

    /** The directory part of Go's {@code path.Split}: everything up to and including the last '/'. */
    static String dir(String p) {
        return p.substring(0, p.lastIndexOf('/') + 1);
    }

    /** The file part of Go's {@code path.Split}: everything after the last '/'. */
    static String base(String p) {
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** Go's {@code path.Clean}. Only ASCII '/' and '.' are special, so char-wise processing matches Go's byte-wise. */
    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        int r = 0;
        int dotdot = 0;
        if (rooted) {
            out.append('/');
            r = 1;
            dotdot = 1;
        }
        while (r < n) {
            char c = path.charAt(r);
            if (c == '/') {
                r++;
            } else if (c == '.' && (r + 1 == n || path.charAt(r + 1) == '/')) {
                r++;
            } else if (c == '.' && path.charAt(r + 1) == '.' && (r + 2 == n || path.charAt(r + 2) == '/')) {
                r += 2;
                if (out.length() > dotdot) {
                    int w = out.length() - 1;
                    while (w > dotdot && out.charAt(w) != '/') {
                        w--;
                    }
                    out.setLength(w);
                } else if (!rooted) {
                    if (!out.isEmpty()) {
                        out.append('/');
                    }
                    out.append("..");
                    dotdot = out.length();
                }
            } else {
                if (rooted && out.length() != 1 || !rooted && !out.isEmpty()) {
                    out.append('/');
                }
                while (r < n && path.charAt(r) != '/') {
                    out.append(path.charAt(r++));
                }
            }
        }
        return out.isEmpty() ? "." : out.toString();
    }

    /**
     * Orders strings as Go compares them (byte-wise UTF-8), which is code point order; Java's
     * {@link String#compareTo} compares UTF-16 units and differs for supplementary characters.
     */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
