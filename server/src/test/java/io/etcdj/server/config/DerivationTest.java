package io.etcdj.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What etcd derives after parsing (startEtcdOrProxyV2, UpdateDefaultClusterFromName); checked against etcd 3.4.23. */
class DerivationTest {

    private static EtcdConfig withHost(Optional<String> host, String... args) {
        ParseResult result = new ConfigParser(DefaultHost.of(host)).parseArguments(args, Map.of());
        return assertInstanceOf(ParseResult.Run.class, result).config();
    }

    @Test
    void initialClusterFollowsTheNameAndAdvertisedPeerUrls() {
        EtcdConfig c = Parsing.config("--name", "abc", "--initial-advertise-peer-urls",
                "http://127.0.0.1:2380,http://10.0.0.1:2380");
        assertEquals("abc=http://10.0.0.1:2380,abc=http://127.0.0.1:2380", c.initialCluster());
        assertEquals(ValueSource.DEFAULT, c.source(Flags.INITIAL_CLUSTER));
    }

    @Test
    void defaultNameKeepsEtcdsDefaultInitialClusterEvenWithOtherPeerUrls() {
        EtcdConfig c = Parsing.config("--initial-advertise-peer-urls", "http://10.0.0.1:2380");
        assertEquals("default=http://localhost:2380", c.initialCluster());
    }

    @Test
    void explicitInitialClusterIsKept() {
        EtcdConfig c = Parsing.config("--name", "a", "--initial-cluster", "a=http://10.0.0.1:2380,b=http://10.0.0.2:2380");
        assertEquals("a=http://10.0.0.1:2380,b=http://10.0.0.2:2380", c.initialCluster());
    }

    @Test
    void initialClusterMembersParsesLikeEtcd() throws ConfigException {
        EtcdConfig c = Parsing.config("--name", "a", "--initial-cluster",
                "b=http://10.0.0.2:2380,a=http://10.0.0.1:2381,a=http://10.0.0.1:2380");
        Map<String, List<URI>> members = c.initialClusterMembers();
        assertEquals(List.of("b", "a"), List.copyOf(members.keySet()));
        assertEquals(List.of(URI.create("http://10.0.0.1:2380"), URI.create("http://10.0.0.1:2381")), members.get("a"));
        EtcdConfig bad = Parsing.config("--initial-cluster", "a=ftp://x:1");
        ConfigException e = assertThrows(ConfigException.class, bad::initialClusterMembers);
        assertEquals("error setting up initial cluster: URL scheme must be http, https, unix, or unixs: ftp://x:1",
                e.getMessage());
    }

    @Test
    void anyAddressListenerAdvertisesTheDefaultHost() {
        EtcdConfig c = withHost(Optional.of("192.0.2.2"), "--name", "abc", "--listen-peer-urls", "http://0.0.0.0:2390",
                "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://localhost:2379");
        assertEquals(List.of(URI.create("http://192.0.2.2:2390")), c.initialAdvertisePeerUrls());
        assertEquals(List.of(URI.create("http://192.0.2.2:2379")), c.advertiseClientUrls());
        assertEquals("abc=http://192.0.2.2:2390", c.initialCluster());
        assertTrue(c.infos().contains("advertising using detected default host \"192.0.2.2\""));
        // The parsed flag keeps what was given.
        assertEquals(List.of(URI.create("http://localhost:2380")), c.get(Flags.INITIAL_ADVERTISE_PEER_URLS).uris());
    }

    @Test
    void defaultHostIsOnlyUsedForAnyAddressWithDefaultAdvertiseUrls() {
        EtcdConfig specific = withHost(Optional.of("192.0.2.2"), "--listen-peer-urls", "http://127.0.0.1:2380");
        assertEquals(List.of(URI.create("http://localhost:2380")), specific.initialAdvertisePeerUrls());
        EtcdConfig explicit = withHost(Optional.of("192.0.2.2"), "--listen-peer-urls", "http://0.0.0.0:2380",
                "--initial-advertise-peer-urls", "http://10.1.1.1:2380");
        assertEquals(List.of(URI.create("http://10.1.1.1:2380")), explicit.initialAdvertisePeerUrls());
        EtcdConfig noHost = withHost(Optional.empty(), "--listen-peer-urls", "http://0.0.0.0:2380");
        assertEquals(List.of(URI.create("http://localhost:2380")), noHost.initialAdvertisePeerUrls());
    }

    @Test
    void ipv6DefaultHostIsBracketed() {
        EtcdConfig c = withHost(Optional.of("2001:db8::1"), "--listen-peer-urls", "http://0.0.0.0:2380");
        assertEquals(List.of(URI.create("http://[2001:db8::1]:2380")), c.initialAdvertisePeerUrls());
    }

    @Test
    void urlListsAreSortedAsEtcdSortsThem() {
        EtcdConfig c = Parsing.config("--listen-client-urls", "http://127.0.0.2:1, http://127.0.0.1:2",
                "--advertise-client-urls", "http://b:1,http://a:1");
        assertEquals(List.of(URI.create("http://127.0.0.1:2"), URI.create("http://127.0.0.2:1")), c.listenClientUrls());
        assertEquals(List.of(URI.create("http://a:1"), URI.create("http://b:1")), c.advertiseClientUrls());
    }

    @Test
    void storeOptionsAccumulate() {
        EtcdConfig c = Parsing.config("--store", "lmdb", "--store-opt", "map-size=1g", "--store-opt=sync=false,x=1",
                "--store-opt", "x=2");
        assertEquals("lmdb", c.store());
        assertEquals(Map.of("map-size", "1g", "sync", "false", "x", "2"), c.storeOptions());
        assertEquals(List.of("map-size", "sync", "x"), List.copyOf(c.storeOptions().keySet()));
        assertEquals("invalid value \"novalue\" for flag -store-opt: expected key=value, got \"novalue\"",
                Parsing.failure("--store-opt", "novalue").message());
    }

    @Test
    void dataDirDefaultUsesTheFinalName() {
        assertEquals("n.etcd", Parsing.config(Map.of("ETCD_NAME", "n")).dataDir().toString());
    }
}
