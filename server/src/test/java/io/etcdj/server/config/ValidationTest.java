package io.etcdj.server.config;

import static io.etcdj.server.config.Parsing.config;
import static io.etcdj.server.config.Parsing.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** embed.Config.Validate and friends; messages verified against etcd 3.4.23 unless noted. */
class ValidationTest {

    private static String message(String... args) {
        ParseResult.Failure f = failure(args);
        assertEquals(1, f.exitCode(), f.message());
        return f.message();
    }

    @Test
    void timing() {
        assertEquals("--heartbeat-interval must be >0 (set to 0ms)", message("--heartbeat-interval", "0"));
        assertEquals("--election-timeout must be >0 (set to 0ms)", message("--election-timeout", "0"));
        assertEquals("--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]",
                message("--heartbeat-interval", "300"));
        assertEquals("--election-timeout[50001ms] is too long, and should be set less than 50000ms",
                message("--election-timeout", "50001"));
        EtcdConfig edge = config("--heartbeat-interval=200", "--election-timeout=1000", "--data-dir=d");
        assertEquals(5, edge.electionTicks());
        assertEquals(Duration.ofMillis(50_000), config("--election-timeout=50000", "--data-dir=d").electionTimeout());
    }

    @Test
    void listenUrlsMustBeIpAddresses() {
        assertEquals("expected IP in URL for binding (http://example.com:2379)",
                message("--listen-client-urls", "http://example.com:2379", "--advertise-client-urls", "http://a:1"));
        assertEquals("expected IP in URL for binding (http://01.2.3.4:2380)",
                message("--listen-peer-urls", "http://01.2.3.4:2380"));
        EtcdConfig ok = config("--listen-client-urls", "http://[::1]:2379,unix://sock:0,http://0.0.0.0:1",
                "--advertise-client-urls", "http://a:1", "--data-dir=d");
        assertEquals(3, ok.listenClientUrls().size());
    }

    @Test
    void advertisedUrlsNeedAHost() {
        assertEquals("--initial-advertise-peer-urls \"http://:2380\" must be \"host:port\" (unexpected empty host "
                + "(http://:2380))", message("--initial-advertise-peer-urls", "http://:2380"));
        assertEquals("--advertise-client-urls \"http://:2379,http://b:2\" must be \"host:port\" (unexpected empty host"
                + " (http://:2379))", message("--advertise-client-urls", "http://b:2,http://:2379"));
    }

    @Test
    void listeningOnExplicitClientUrlsRequiresAdvertisingSome() {
        assertEquals("--advertise-client-urls is required when --listen-client-urls is set explicitly",
                message("--listen-client-urls", "http://1.2.3.4:5"));
        // etcd's quirk: the empty string is an allowed value that still counts as "set explicitly".
        assertEquals("--advertise-client-urls is required when --listen-client-urls is set explicitly",
                message("--listen-client-urls", ""));
        assertEquals(List.of(URI.create("http://10.0.0.1:2379")), config("--listen-client-urls", "http://1.2.3.4:5",
                "--advertise-client-urls", "http://10.0.0.1:2379", "--data-dir=d").advertiseClientUrls());
    }

    @Test
    void bootstrapFlagsConflict() {
        // etcd says "multiple discovery or bootstrap flags are set. ..."; etcdj refuses discovery first, so its
        // copy of that check cannot fire until discovery is built.
        assertTrue(message("--discovery", "http://x:1/y", "--initial-cluster", "a=http://1.1.1.1:2")
                .startsWith("etcdj: --discovery is not supported yet"));
    }

    @Test
    void compaction() {
        assertEquals("unknown auto-compaction-mode \"foo\"", message("--auto-compaction-mode", "foo"));
        // etcd reports this at start-up, as a fatal error: same text.
        assertEquals("error parsing CompactionRetention: time: invalid duration \"foo\"",
                message("--auto-compaction-retention", "foo"));
        assertEquals("error parsing CompactionRetention: time: missing unit in duration \"-1\"",
                message("--auto-compaction-retention", "-1"));
        assertEquals(Duration.ofHours(5), config("--auto-compaction-retention=5", "--data-dir=d").autoCompactionPeriod());
        assertEquals(Duration.ofMinutes(30),
                config("--auto-compaction-retention=30m", "--data-dir=d").autoCompactionPeriod());
        assertEquals(1000, config("--auto-compaction-mode=revision", "--auto-compaction-retention=1000",
                "--data-dir=d").autoCompactionRevisions());
        // etcd counts a duration's nanoseconds as revisions in revision mode.
        assertEquals(1_000_000_000L, config("--auto-compaction-mode=revision", "--auto-compaction-retention=1s",
                "--data-dir=d").autoCompactionRevisions());
        assertEquals(Duration.ZERO, config("--auto-compaction-retention=", "--data-dir=d").autoCompactionPeriod());
    }

    @Test
    void logging() {
        assertEquals("unknown logger option \"foo\"", message("--logger", "foo"));
        assertEquals("--logger=capnslog supports only 1 value in '--log-outputs', got [\"a\" \"b\"]",
                message("--log-outputs", "a,b"));
        assertEquals("unknown log-output \"a\" (only supports \"default\", \"stderr\", \"stdout\")",
                message("--log-outputs", "a"));
        assertEquals("multi logoutput for \"default\" is not supported yet",
                message("--logger", "zap", "--log-outputs", "default,stderr"));
        assertEquals("'--log-output=[\"stdout\"]' and '--log-outputs=[\"stdout\"]' are incompatible; only set "
                + "--log-outputs", message("--log-output", "stdout", "--log-outputs", "stdout"));
        assertEquals("both '--log-output' and '--log-outputs' are set; only set '--log-outputs'",
                message("--log-output", "stdout,stderr", "--log-outputs", "stderr,stdout"));
        // etcd panics with this text; etcdj reports it.
        assertEquals("unknown level \"foo\"", message("--log-level", "foo"));
    }

    @Test
    void logOutputsAreDedupedSortedAndReconciledWithTheDeprecatedFlag() {
        EtcdConfig zap = config("--logger=zap", "--log-outputs=stdout,stderr,stdout", "--data-dir=d");
        assertEquals(List.of("stderr", "stdout"), zap.logOutputs());
        // etcd 3.4 only warns when both flags hold one value each: --log-outputs (default) stays in force.
        EtcdConfig deprecated = config("--log-output=stdout", "--data-dir=d");
        assertEquals(List.of("default"), deprecated.logOutputs());
        assertTrue(deprecated.warnings().contains(
                "Deprecated '--log-output' flag is set to [\"stdout\"]; Please use '--log-outputs' flag"));
        EtcdConfig both = config("--log-output=stdout", "--log-outputs=stderr", "--data-dir=d");
        assertEquals(List.of("stderr"), both.logOutputs());
        // More values in the deprecated flag replace --log-outputs.
        EtcdConfig more = config("--logger=zap", "--log-output=stdout,stderr", "--data-dir=d");
        assertEquals(List.of("stderr", "stdout"), more.logOutputs());
        assertTrue(more.warnings().contains("'--log-output' flag has been deprecated! Please use '--log-outputs'!"));
    }

    @Test
    void deprecatedDebugMeansDebugLevelForCapnslog() {
        EtcdConfig c = config("--debug", "--data-dir=d");
        assertEquals("debug", c.logLevel());
        assertTrue(c.warnings().contains(
                "Deprecated '--debug' flag is set to true with inconsistent '--log-level=info' flag"));
        assertEquals("info", config("--debug", "--logger=zap", "--data-dir=d").logLevel());
        assertEquals("warn", config("--log-level=warn", "--data-dir=d").logLevel());
    }

    @Test
    void leaseCheckpointPersistNeedsCheckpoints() {
        assertEquals("setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint",
                message("--experimental-enable-lease-checkpoint-persist"));
    }

    @Test
    void outOfRangeBcryptCostFallsBackToTheDefaultWithAWarning() {
        EtcdConfig c = config("--bcrypt-cost=3", "--data-dir=d");
        assertEquals(10, c.bcryptCost());
        assertTrue(c.warnings().contains("Use default bcrypt-cost 10 instead of the invalid value 3"));
        assertEquals(12, config("--bcrypt-cost=12", "--data-dir=d").bcryptCost());
    }
}
