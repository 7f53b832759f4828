package io.etcdj.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which server binary the suite runs against, read from system properties set by surefire:
 * {@code e2e.server} is {@code etcdj} (the runtime image under {@code etcdj.home}) or {@code etcd}
 * (the reference etcd 3.4 at {@code /usr/bin/etcd}).
 *
 * <p>A missing etcdj image is a test failure, never a skip: a suite that ran nothing must not look green.
 */
public final class ServerUnderTest {

    /** The etcdctl every test drives; etcdctl 3.4 from Debian's etcd-client package. */
    public static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");

    private static final Path REFERENCE_ETCD = Path.of("/usr/bin/etcd");

    private ServerUnderTest() {
    }

    /** True when the suite runs against etcdj, false against the reference etcd. */
    public static boolean isEtcdj() {
        String server = System.getProperty("e2e.server", "etcdj");
        return switch (server) {
            case "etcdj" -> true;
            case "etcd" -> false;
            default -> throw new IllegalStateException("e2e.server must be etcdj or etcd, not " + server);
        };
    }

    /** The server launcher; fails the calling test with a clear message when it does not exist. */
    public static Path executable() {
        Path exe = isEtcdj() ? etcdjHome().resolve("bin/etcd") : REFERENCE_ETCD;
        if (!Files.isExecutable(exe)) {
            throw new AssertionError(isEtcdj()
                    ? "The etcdj runtime image is missing: " + exe + " is not an executable. Build it first"
                      + " (mvn verify from the project root builds dist before these tests), or run the suite"
                      + " against the reference etcd with -De2e.server=etcd."
                    : "The reference etcd is missing at " + exe + " (apt-get install etcd-server etcd-client).");
        }
        if (!Files.isExecutable(ETCDCTL)) {
            throw new AssertionError("etcdctl is missing at " + ETCDCTL + " (apt-get install etcd-client).");
        }
        return exe;
    }

    /**
     * The server configurations each server-level test runs on: both storage engines for etcdj, and
     * the single configuration of the reference etcd (which has no {@code --store} flag).
     */
    public static Stream<ServerVariant> variants() {
        if (!isEtcdj()) {
            return Stream.of(new ServerVariant("etcd-3.4", List.of()));
        }
        return Stream.of(
                new ServerVariant("store=rocks", List.of("--store=rocks")),
                new ServerVariant("store=lmdb", List.of("--store=lmdb")));
    }

    /**
     * The configurations cluster tests run on: {@link #variants()}, plus, for etcdj, members that
     * talk Raft over the HTTP peer transport instead of gRPC.
     */
    public static Stream<ServerVariant> clusterVariants() {
        if (!isEtcdj()) {
            return variants();
        }
        return Stream.concat(variants(),
                Stream.of(new ServerVariant("store=rocks,peer=http", List.of("--store=rocks", "--peer-transport=http"))));
    }

    /** Where server logs go, kept after the run for diagnosis. */
    public static Path logDirectory() {
        return Path.of(System.getProperty("e2e.logs", "target/e2e-logs"));
    }

    private static Path etcdjHome() {
        String home = System.getProperty("etcdj.home");
        if (home == null) {
            throw new AssertionError("System property etcdj.home is not set (surefire sets it to dist/target/etcdj).");
        }
        return Path.of(home);
    }
}
