package io.etcdj.server.config;

import static io.etcdj.server.config.Parsing.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultsTest {

    @Test
    void noArgumentsGivesEtcdDefaults() {
        EtcdConfig c = config();
        assertEquals("default", c.name());
        assertEquals(Path.of("default.etcd"), c.dataDir());
        assertEquals(Optional.empty(), c.walDir());
        assertEquals(List.of(URI.create("http://localhost:2379")), c.listenClientUrls());
        assertEquals(List.of(URI.create("http://localhost:2379")), c.advertiseClientUrls());
        assertEquals(List.of(URI.create("http://localhost:2380")), c.listenPeerUrls());
        assertEquals(List.of(URI.create("http://localhost:2380")), c.initialAdvertisePeerUrls());
        assertEquals("default=http://localhost:2380", c.initialCluster());
        assertEquals("new", c.initialClusterState());
        assertTrue(c.isNewCluster());
        assertEquals("etcd-cluster", c.initialClusterToken());
        assertEquals(100_000, c.snapshotCount());
        assertEquals(Duration.ofMillis(100), c.heartbeatInterval());
        assertEquals(Duration.ofMillis(1000), c.electionTimeout());
        assertEquals(10, c.electionTicks());
        assertTrue(c.initialElectionTickAdvance());
        assertEquals(0, c.quotaBackendBytes());
        assertEquals(1_572_864, c.maxRequestBytes());
        assertEquals(128, c.maxTxnOps());
        assertEquals(5, c.maxSnapshots());
        assertEquals(5, c.maxWals());
        assertEquals("periodic", c.autoCompactionMode());
        assertEquals("0", c.autoCompactionRetention());
        assertEquals(Duration.ZERO, c.autoCompactionPeriod());
        assertEquals("info", c.logLevel());
        assertEquals("capnslog", c.logger());
        assertEquals(List.of("default"), c.logOutputs());
        assertTrue(c.strictReconfigCheck());
        assertTrue(c.enableV2(), "etcdj serves the v2 API by default (etcd 3.4 does not)");
        assertEquals("simple", c.authToken());
        assertEquals(10, c.bcryptCost());
        assertEquals(Duration.ofSeconds(300), c.authTokenTtl());
        assertEquals("rocks", c.store());
        assertEquals("grpc", c.transport());
        assertEquals(Map.of(), c.storeOptions());
        assertEquals(Optional.empty(), c.configFile());
    }

    @Test
    void everyFlagHoldsItsDefaultAndIsNotSet() {
        EtcdConfig c = config();
        for (Flag<?> flag : Flags.all()) {
            assertEquals(flag.defaultValue(), c.get(flag), flag.name());
            assertEquals(ValueSource.DEFAULT, c.source(flag), flag.name());
            assertFalse(c.isSet(flag), flag.name());
        }
    }

    @Test
    void defaultsOfUntypedFlagsMatchEtcd() {
        assertEquals(Duration.ofSeconds(5), Flags.GRPC_KEEPALIVE_MIN_TIME.defaultValue());
        assertEquals(Duration.ofHours(2), Flags.GRPC_KEEPALIVE_INTERVAL.defaultValue());
        assertEquals(Duration.ofSeconds(20), Flags.GRPC_KEEPALIVE_TIMEOUT.defaultValue());
        assertEquals(4_294_967_295L, Flags.MAX_CONCURRENT_STREAMS.defaultValue());
        assertEquals("proxy", Flags.DISCOVERY_FALLBACK.defaultValue());
        assertEquals("off", Flags.PROXY.defaultValue());
        assertEquals("basic", Flags.METRICS.defaultValue());
        assertEquals(Duration.ofMillis(100), Flags.EXPERIMENTAL_WARNING_APPLY_DURATION.defaultValue());
        assertEquals(true, Flags.ENABLE_GRPC_GATEWAY.defaultValue());
        assertEquals(List.of("*"), Flags.HOST_WHITELIST.defaultValue());
        assertEquals(Optional.of(Flags.NAME), Flags.byName("name"));
        assertEquals("ETCD_LISTEN_CLIENT_URLS", Flags.LISTEN_CLIENT_URLS.environmentVariable());
    }

    @Test
    void defaultDataDirIsWarnedAboutAsEtcdDoes() {
        assertTrue(config().warnings().contains("no data-dir provided, using default data-dir ./default.etcd"));
        EtcdConfig given = config("--data-dir", "/var/lib/etcd");
        assertEquals(Path.of("/var/lib/etcd"), given.dataDir());
        assertTrue(given.warnings().isEmpty(), given.warnings().toString());
    }

    @Test
    void dataDirFollowsTheName() {
        assertEquals(Path.of("infra1.etcd"), config("--name", "infra1").dataDir());
        assertEquals(Path.of("x.etcd"), config("--name", "x", "--data-dir", "").dataDir());
    }

    @Test
    void flagTableHasEveryFlagOfEtcdMainOnce() {
        // etcdmain/config.go newConfig() registers 86 flags plus 15 legacy-ignored ones; etcdj adds 5
        // (store, transport, peer-transport, max-learners, store-opt).
        assertEquals(86 + 15 + 5, Flags.all().size());
        assertEquals(15, Flags.all().stream().filter(Flags::isLegacyIgnored).count());
        assertEquals(Flags.all().size(), Flags.all().stream().map(Flag::name).distinct().count());
    }
}
