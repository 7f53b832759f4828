package io.etcdj.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What {@code etcd --version} prints. etcd prints {@code etcd Version}, {@code Git SHA}, {@code Go Version} and
 * {@code Go OS/Arch}; etcdj keeps the first line (the etcd API version it implements, which tools parse), adds
 * its own version, and reports the Java runtime instead of Go:
 * <pre>
 * etcd Version: 3.4.23
 * etcdj Version: 0.1.0-SNAPSHOT
 * Git SHA: Not provided
 * Java Version: 21.0.5+11
 * OS/Arch: linux/amd64
 * </pre>
 * Versions come from the server module's {@code io/etcdj/server/version.properties}, filled by Maven resource
 * filtering: {@code etcd.api.version}, {@code etcdj.version} and, optionally, {@code etcdj.git.sha}. A missing or
 * unfiltered value falls back to {@link #ETCD_API_VERSION}, the module's version (or "unknown"), and
 * "Not provided".
 *
 * @param etcdVersion  the etcd API version implemented
 * @param etcdjVersion etcdj's own version
 * @param gitSha       the commit built, or "Not provided"
 * @param javaVersion  {@link Runtime#version()}
 * @param osArch       Go's names for the OS and architecture, e.g. {@code linux/amd64}
 */
public record VersionInfo(String etcdVersion, String etcdjVersion, String gitSha, String javaVersion,
                          String osArch) {

    /** The etcd release whose API and behaviour etcdj implements. */
    public static final String ETCD_API_VERSION = "3.4.23";

    private static final String RESOURCE = "/io/etcdj/server/version.properties";

    /** The running etcdj's version information. */
    public static VersionInfo current() {
        Properties properties = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        String moduleVersion = VersionInfo.class.getModule().getDescriptor() == null ? null
                : VersionInfo.class.getModule().getDescriptor().rawVersion().orElse(null);
        return new VersionInfo(
                filtered(properties, "etcd.api.version", ETCD_API_VERSION),
                filtered(properties, "etcdj.version", moduleVersion == null ? "unknown" : moduleVersion),
                filtered(properties, "etcdj.git.sha", "Not provided"),
                Runtime.version().toString(),
                goOs(System.getProperty("os.name")) + "/" + goArch(System.getProperty("os.arch")));
    }

    /** The lines, in order. */
    public List<String> lines() {
        return List.of(
                "etcd Version: " + etcdVersion,
                "etcdj Version: " + etcdjVersion,
                "Git SHA: " + gitSha,
                "Java Version: " + javaVersion,
                "OS/Arch: " + osArch);
    }

    /** The lines, each ending with a newline, as printed to stdout. */
    public String text() {
        return String.join("\n", lines()) + "\n";
    }

    private static String filtered(Properties properties, String key, String fallback) {
        String value = properties.getProperty(key, "").strip();
        return value.isEmpty() || value.startsWith("${") ? fallback : value;
    }

    /** Go's {@code runtime.GOOS} names for the common Java {@code os.name} values. */
    static String goOs(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "darwin";
        } else if (os.startsWith("windows")) {
            return "windows";
        } else if (os.startsWith("freebsd")) {
            return "freebsd";
        }
        return os.replace(' ', '_');
    }

    /** Go's {@code runtime.GOARCH} names for the common Java {@code os.arch} values. */
    static String goArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "arm" -> "arm";
            default -> osArch;
        };
    }
}
