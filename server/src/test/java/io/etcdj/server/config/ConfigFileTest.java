package io.etcdj.server.config;

import static io.etcdj.server.config.Parsing.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --config-file; error texts verified against etcd 3.4.23 unless noted. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("etcd.conf.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private EtcdConfig load(String yaml, String... extraArgs) throws IOException {
        Path file = write(yaml);
        String[] args = new String[extraArgs.length + 1];
        args[0] = "--config-file=" + file;
        System.arraycopy(extraArgs, 0, args, 1, extraArgs.length);
        return Parsing.config(args);
    }

    private String error(String yaml) throws IOException {
        ParseResult.Failure f = Parsing.failure("--config-file", write(yaml).toString());
        assertEquals(1, f.exitCode());
        return f.message();
    }

    @Test
    void etcdSampleStyleFile() throws IOException {
        EtcdConfig c = load("""
                # This is the configuration file for the etcd server.
                name: 'infra1'
                data-dir: /var/lib/etcd
                wal-dir:
                snapshot-count: 10000
                heartbeat-interval: 100
                election-timeout: 1000
                quota-backend-bytes: 0
                listen-peer-urls: http://localhost:2380
                listen-client-urls: http://localhost:2379,http://127.0.0.1:2379
                max-snapshots: 5
                max-wals: 5
                cors:
                initial-advertise-peer-urls: http://localhost:2380
                advertise-client-urls: http://localhost:2379
                discovery:
                discovery-fallback: 'proxy'
                discovery-proxy:
                discovery-srv:
                initial-cluster: "infra1=http://localhost:2380"
                initial-cluster-token: 'etcd-cluster'
                initial-cluster-state: 'new'
                strict-reconfig-check: false
                enable-v2: true
                enable-pprof: true
                proxy: 'off'
                proxy-failure-wait: 5000
                client-transport-security:
                  # Path to the client server TLS cert file.
                  cert-file:
                  key-file:
                  client-cert-auth: false
                  trusted-ca-file:
                  auto-tls: false
                peer-transport-security:
                  cert-file:
                  auto-tls: false
                log-level: debug
                logger: zap
                log-outputs: [stderr]
                force-new-cluster: false
                auto-compaction-mode: periodic
                auto-compaction-retention: "1"
                grpc-keepalive-min-time: 5000000000
                """);
        assertEquals("infra1", c.name());
        assertEquals(Path.of("/var/lib/etcd"), c.dataDir());
        assertEquals(10_000, c.snapshotCount());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379"), URI.create("http://localhost:2379")),
                c.listenClientUrls());
        assertEquals("infra1=http://localhost:2380", c.initialCluster());
        assertEquals(false, c.strictReconfigCheck());
        assertEquals(true, c.enableV2());
        assertEquals("debug", c.logLevel());
        assertEquals("zap", c.logger());
        assertEquals(List.of("stderr"), c.logOutputs());
        assertEquals(Duration.ofHours(1), c.autoCompactionPeriod());
        assertEquals(Duration.ofSeconds(5), c.get(Flags.GRPC_KEEPALIVE_MIN_TIME));
        assertEquals(ValueSource.CONFIG_FILE, c.source(Flags.NAME));
        assertEquals(ValueSource.COMMAND_LINE, c.source(Flags.CONFIG_FILE));
        assertTrue(c.configFile().isPresent());
        assertTrue(c.infos().get(0).startsWith("Loading server configuration from \""), c.infos().toString());
        assertEquals(List.of("etcdj: --enable-pprof is not supported yet and is ignored (metrics and profiling "
                + "endpoints are not built)"), c.warnings());
    }

    @Test
    void fileReplacesCommandLineAndEnvironment() throws IOException {
        Path file = write("name: fromfile\ndata-dir: d\n");
        ParseResult r = Parsing.parse(env("ETCD_NAME", "fromenv", "ETCD_SNAPSHOT_COUNT", "bad"),
                "--config-file", file.toString(), "--heartbeat-interval=1000");
        EtcdConfig c = assertInstanceOf(ParseResult.Run.class, r).config();
        assertEquals("fromfile", c.name());
        assertEquals(100, c.heartbeatInterval().toMillis());
        assertEquals(100_000, c.snapshotCount());
    }

    @Test
    void fileFromTheEnvironment() throws IOException {
        Path file = write("name: e\ndata-dir: d\n");
        EtcdConfig c = Parsing.config(env("ETCD_CONFIG_FILE", file.toString()));
        assertEquals("e", c.name());
        assertEquals(ValueSource.ENVIRONMENT, c.source(Flags.CONFIG_FILE));
        assertEquals(Optional.of(file), c.configFile());
    }

    @Test
    void missingFile() {
        assertEquals("open /nonexistent/etcd.yml: no such file or directory",
                Parsing.failure("--config-file", "/nonexistent/etcd.yml").message());
    }

    @Test
    void jsonTypeErrorsAreEtcds() throws IOException {
        String prefix = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ";
        assertEquals(prefix + "string into Go struct field configYAML.backend-batch-interval of type time.Duration",
                error("name: x\nbackend-batch-interval: 10ms\n"));
        assertEquals(prefix + "number into Go struct field configYAML.auto-compaction-retention of type string",
                error("auto-compaction-retention: 1\n"));
        assertEquals(prefix + "string into Go struct field configYAML.snapshot-count of type uint64",
                error("snapshot-count: \"5\"\n"));
        assertEquals(prefix + "number -5 into Go struct field configYAML.snapshot-count of type uint64",
                error("snapshot-count: -5\n"));
        assertEquals(prefix + "number 1.5 into Go struct field configYAML.snapshot-count of type uint64",
                error("enable-v2: yes\nsnapshot-count: 1.5\n"));
        assertEquals(prefix + "number into Go struct field configYAML.name of type string", error("name: 123\n"));
        // Keys are decoded in sorted order: enable-v2 fails before name.
        assertEquals(prefix + "string into Go struct field configYAML.enable-v2 of type bool",
                error("name: yes\nenable-v2: \"true\"\n"));
        assertEquals(prefix + "string into Go struct field configYAML.log-outputs of type []string",
                error("log-outputs: stderr\n"));
        assertEquals(prefix + "array into Go struct field configYAML.listen-client-urls of type string",
                error("listen-client-urls: [a]\n"));
        assertEquals(prefix + "number 5000000000 into Go struct field configYAML.max-concurrent-streams of type uint32",
                error("max-concurrent-streams: 5000000000\n"));
        assertEquals(prefix + "number -1 into Go struct field configProxy.proxy-read-timeout of type uint",
                error("proxy-read-timeout: -1\n"));
        assertEquals(prefix + "number into Go struct field securityConfig.client-transport-security.cert-file of type "
                + "string", error("client-transport-security:\n  cert-file: 5\n"));
    }

    @Test
    void urlAndSelectionErrorsAreEtcds() throws IOException {
        assertEquals("unexpected error setting up listen-client-urls: URL scheme must be http, https, unix, or unixs: foo",
                error("listen-client-urls: foo\n"));
        assertEquals("unexpected error setting up advertise-peer-urls: URL scheme must be http, https, unix, or unixs: "
                + "foo", error("advertise-client-urls: foo\n"));
        assertEquals("unexpected error setting up proxyFlag: invalid value", error("proxy: maybe\n"));
        // An unquoted off is YAML's false, coerced to "false" for this string field.
        assertEquals("unexpected error setting up proxyFlag: invalid value", error("proxy: off\n"));
        assertEquals("unexpected error setting up discovery-fallback flag: invalid value",
                error("discovery-fallback: foo\n"));
        assertEquals("unexpected clusterState \"bogus\"", error("initial-cluster-state: bogus\n"));
    }

    @Test
    void yamlNumbersAndKeysResolveAsInEtcd() throws IOException {
        EtcdConfig c = load("snapshot-count: 0x10\nHeartbeat-Interval: 1e2\nmax-wals: 010\nmax-snapshots: 1_000\n"
                + "initial-cluster-state:\ndata-dir: d\n");
        assertEquals(16, c.snapshotCount());
        assertEquals(100, c.heartbeatInterval().toMillis());
        assertEquals(8, c.maxWals());
        assertEquals(1000, c.maxSnapshots());
        assertEquals("new", c.initialClusterState());
    }

    @Test
    void validationRunsOnFiles() throws IOException {
        assertEquals("--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[500ms]",
                error("heartbeat-interval: 500\n"));
        assertEquals("--logger=capnslog supports only 1 value in '--log-outputs', got [\"stderr\" \"stdout\"]",
                error("log-outputs:\n  - stderr\n  - stdout\n"));
        assertEquals("error parsing CompactionRetention: time: missing unit in duration \"-1\"",
                error("auto-compaction-mode: revision\nauto-compaction-retention: \"-1\"\n"));
    }

    @Test
    void listenClientUrlsWithoutAdvertiseIsFineInFiles() throws IOException {
        // etcd drops the default advertise URL only for command-line flags.
        EtcdConfig c = load("listen-client-urls: http://127.0.0.1:2379\ndata-dir: d\n");
        assertEquals(List.of(URI.create("http://localhost:2379")), c.advertiseClientUrls());
    }

    @Test
    void tlsInAFileIsRefused() throws IOException {
        assertEquals("etcdj: --peer-cert-file is not supported yet (TLS is not built); refusing to start without it",
                error("peer-transport-security:\n  cert-file: /etc/peer.crt\n"));
        assertEquals("etcdj: --auto-tls is not supported yet (TLS is not built); refusing to start without it",
                error("client-transport-security:\n  auto-tls: true\n"));
    }

    @Test
    void unknownKeysAreWarnedAbout() throws IOException {
        EtcdConfig c = load("data-dir: d\nfoo-bar: 1\n");
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).startsWith("etcdj: ignoring unknown key \"foo-bar\" in "), c.warnings().get(0));
    }

    @Test
    void etcdjKeys() throws IOException {
        EtcdConfig mapping = load("data-dir: d\nstore: lmdb\ntransport: http\nstore-opt:\n  map-size: 1g\n  sync: off\n");
        assertEquals("lmdb", mapping.store());
        assertEquals("http", mapping.transport());
        assertEquals(Map.of("map-size", "1g", "sync", "false"), mapping.storeOptions());
        EtcdConfig list = load("data-dir: d\nstore-opt: [a=1, b=2]\n");
        assertEquals(Map.of("a", "1", "b", "2"), list.storeOptions());
    }

    @Test
    void yamlOutsideTheSubsetIsRefusedWithALine() throws IOException {
        assertEquals("error converting YAML to JSON: yaml: line 2: etcdj reads only a subset of YAML: block scalars "
                + "are not supported", error("name: x\ninitial-cluster: |\n  a=http://x:1\n"));
        assertEquals("error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'",
                error("name: [x\n"));
    }
}
