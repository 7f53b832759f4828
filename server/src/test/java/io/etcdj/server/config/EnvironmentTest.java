package io.etcdj.server.config;

import static io.etcdj.server.config.Parsing.config;
import static io.etcdj.server.config.Parsing.env;
import static io.etcdj.server.config.Parsing.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** etcd's ETCD_* rules (pkg/flags SetFlagsFromEnv), each verified against etcd 3.4.23. */
class EnvironmentTest {

    @Test
    void variablesSetFlagsNotGivenOnTheCommandLine() {
        EtcdConfig c = config(env("ETCD_NAME", "infra1", "ETCD_DATA_DIR", "/d", "ETCD_ENABLE_V2", "true",
                "ETCD_LISTEN_CLIENT_URLS", "http://127.0.0.1:2379", "ETCD_ADVERTISE_CLIENT_URLS", "http://10.0.0.1:2379",
                "ETCD_HEARTBEAT_INTERVAL", "0x10"), "--snapshot-count=5");
        assertEquals("infra1", c.name());
        assertEquals(Path.of("/d"), c.dataDir());
        assertTrue(c.enableV2());
        assertEquals(16, c.heartbeatInterval().toMillis());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), c.listenClientUrls());
        assertEquals(5, c.snapshotCount());
        assertEquals(ValueSource.ENVIRONMENT, c.source(Flags.NAME));
        assertEquals(ValueSource.COMMAND_LINE, c.source(Flags.SNAPSHOT_COUNT));
        // etcd's info lines, in flag-name order.
        assertEquals(List.of(
                "recognized and used environment variable ETCD_ADVERTISE_CLIENT_URLS=http://10.0.0.1:2379",
                "recognized and used environment variable ETCD_DATA_DIR=/d",
                "recognized and used environment variable ETCD_ENABLE_V2=true",
                "recognized and used environment variable ETCD_HEARTBEAT_INTERVAL=0x10",
                "recognized and used environment variable ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:2379",
                "recognized and used environment variable ETCD_NAME=infra1"), c.infos());
    }

    @Test
    void variableShadowedByTheCommandLineIsAnErrorNotAPrecedence() {
        ParseResult.Failure f = failure(env("ETCD_NAME", "x"), "--name", "y");
        assertEquals("conflicting environment variable \"ETCD_NAME\" is shadowed by corresponding command-line flag"
                + " (either unset environment variable or disable flag)", f.message());
        assertEquals(1, f.exitCode());
        // Even an empty variable conflicts.
        assertEquals(f.message(), failure(env("ETCD_NAME", ""), "--name=zz").message());
    }

    @Test
    void unusedEtcdVariablesAreWarnedAbout() {
        EtcdConfig c = config(env("ETCD_FOO", "bar", "ETCD_NAME", "", "ETCDCTL_API", "3", "HOME", "/root",
                "ETCD_DATA_DIR", "d"));
        assertEquals(List.of("unrecognized environment variable ETCD_FOO=bar",
                "unrecognized environment variable ETCD_NAME="), c.warnings());
        assertEquals("default", c.name());
        assertFalse(c.isSet(Flags.NAME));
    }

    @Test
    void badValueNamesTheVariable() {
        assertEquals("invalid value \"x\" for ETCD_SNAPSHOT_COUNT: parse error",
                failure(env("ETCD_SNAPSHOT_COUNT", "x")).message());
        assertEquals("invalid value \"foo\" for ETCD_LISTEN_CLIENT_URLS: URL scheme must be http, https, unix, or "
                + "unixs: foo", failure(env("ETCD_LISTEN_CLIENT_URLS", "foo")).message());
        assertEquals("invalid value \"x\" for ETCD_INITIAL_CLUSTER_STATE: invalid value",
                failure(env("ETCD_INITIAL_CLUSTER_STATE", "x")).message());
        assertEquals("invalid value \"x\" for ETCD_MAX_CONCURRENT_STREAMS: strconv.ParseUint: parsing \"x\": "
                + "invalid syntax", failure(env("ETCD_MAX_CONCURRENT_STREAMS", "x")).message());
        assertEquals(1, failure(env("ETCD_SNAPSHOT_COUNT", "x")).exitCode());
    }

    @Test
    void withSeveralBadValuesTheLastInFlagNameOrderIsReported() {
        assertEquals("invalid value \"x\" for ETCD_SNAPSHOT_COUNT: parse error",
                failure(env("ETCD_SNAPSHOT_COUNT", "x", "ETCD_ENABLE_V2", "y")).message());
    }

    @Test
    void conflictIsReportedBeforeBadValues() {
        assertTrue(failure(env("ETCD_NAME", "x", "ETCD_SNAPSHOT_COUNT", "bad"), "--name=y").message()
                .startsWith("conflicting environment variable \"ETCD_NAME\""));
    }

    @Test
    void legacyFlagThroughTheEnvironmentIsWarnedAbout() {
        EtcdConfig c = config(env("ETCD_CONFIG", "1", "ETCD_DATA_DIR", "d"));
        assertEquals(List.of("flag \"-config\" is no longer supported - ignoring."), c.warnings());
    }

    @Test
    void etcdjFlagsHaveVariablesToo() {
        EtcdConfig c = config(env("ETCD_STORE", "lmdb", "ETCD_TRANSPORT", "http", "ETCD_STORE_OPT", "a=1,b=2",
                "ETCD_DATA_DIR", "d"));
        assertEquals("lmdb", c.store());
        assertEquals("http", c.transport());
        assertEquals(Map.of("a", "1", "b", "2"), c.storeOptions());
    }

    @Test
    void commandLineFlagsAloneDoNotReadTheEnvironmentForThemselves() {
        EtcdConfig c = config(Map.of(), "--name=a", "--data-dir=d");
        assertTrue(c.infos().isEmpty());
        assertTrue(c.warnings().isEmpty());
    }
}
