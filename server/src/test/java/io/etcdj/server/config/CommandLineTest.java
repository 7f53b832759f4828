package io.etcdj.server.config;

import static io.etcdj.server.config.Parsing.config;
import static io.etcdj.server.config.Parsing.failure;
import static io.etcdj.server.config.Parsing.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's flag syntax and etcd's texts for syntax errors (each verified against etcd 3.4.23). */
class CommandLineTest {

    @ParameterizedTest
    @ValueSource(strings = {"--name=infra1", "-name=infra1"})
    void flagWithEqualsValue(String arg) {
        EtcdConfig c = config(arg);
        assertEquals("infra1", c.name());
        assertEquals(io.etcdj.server.config.ValueSource.COMMAND_LINE, c.source(Flags.NAME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--name", "-name"})
    void flagWithSeparateValue(String flag) {
        assertEquals("infra1", config(flag, "infra1").name());
    }

    @Test
    void valueMayLookLikeAFlagWhenSeparate() {
        assertEquals("--weird", config("--name", "--weird").name());
    }

    @Test
    void booleanFlagForms() {
        assertTrue(config("--enable-v2").enableV2());
        assertTrue(config("-enable-v2").enableV2());
        assertTrue(config("--enable-v2=true").enableV2());
        assertTrue(config("--enable-v2=1").enableV2());
        assertTrue(config("--enable-v2=T").enableV2());
        assertFalse(config("--strict-reconfig-check=false").strictReconfigCheck());
        assertFalse(config("--strict-reconfig-check=0").strictReconfigCheck());
        assertFalse(config("--strict-reconfig-check=FALSE").strictReconfigCheck());
    }

    @Test
    void booleanFlagDoesNotConsumeTheNextArgument() {
        ParseResult.Failure f = failure("--enable-v2", "false");
        assertEquals("'false' is not a valid flag", f.message());
        assertEquals(1, f.exitCode());
    }

    @Test
    void badBooleanValue() {
        assertEquals("invalid boolean value \"maybe\" for -enable-v2: parse error", failure("--enable-v2=maybe").message());
        assertEquals("invalid boolean value \"\" for -enable-v2: parse error", failure("--enable-v2=").message());
    }

    @Test
    void lastOccurrenceWins() {
        assertEquals("b", config("--name", "a", "--name=b").name());
        assertEquals(7, config("--snapshot-count=5", "--snapshot-count", "7").snapshotCount());
        assertFalse(config("--enable-v2", "--enable-v2=false").enableV2());
        assertEquals(List.of(URI.create("http://127.0.0.1:1")),
                config("--listen-client-urls=http://127.0.0.2:2", "--listen-client-urls=http://127.0.0.1:1",
                        "--advertise-client-urls=http://127.0.0.1:1").listenClientUrls());
    }

    @Test
    void goIntegerSyntax() {
        assertEquals(16, config("--snapshot-count=0x10").snapshotCount());
        assertEquals(8, config("--snapshot-count=010").snapshotCount());
        assertEquals(5, config("--snapshot-count=0b101").snapshotCount());
        assertEquals(1000, config("--snapshot-count=1_000").snapshotCount());
        assertEquals(-1, config("--quota-backend-bytes=-1").quotaBackendBytes());
    }

    @Test
    void unknownFlag() {
        ParseResult.Failure f = failure("--foo");
        assertEquals("flag provided but not defined: -foo", f.message());
        assertEquals(2, f.exitCode());
        assertTrue(f.showUsage());
        assertTrue(f.stderrText().startsWith("flag provided but not defined: -foo\nUsage:\n\n  etcd [flags]\n"));
        assertEquals("flag provided but not defined: -foo", failure("-foo=1").message());
    }

    @Test
    void badNumbers() {
        assertEquals("invalid value \"x\" for flag -snapshot-count: parse error", failure("--snapshot-count=x").message());
        assertEquals("invalid value \"-1\" for flag -snapshot-count: parse error",
                failure("--snapshot-count", "-1").message());
        assertEquals("invalid value \"99999999999999999999999\" for flag -snapshot-count: value out of range",
                failure("--snapshot-count", "99999999999999999999999").message());
        assertEquals("invalid value \"1__0\" for flag -snapshot-count: parse error",
                failure("--snapshot-count", "1__0").message());
        assertEquals("invalid value \"1.5\" for flag -backend-batch-limit: parse error",
                failure("--backend-batch-limit", "1.5").message());
        assertEquals(2, failure("--snapshot-count=x").exitCode());
    }

    @Test
    void uint32FlagReportsRawStrconvError() {
        assertEquals("invalid value \"x\" for flag -max-concurrent-streams: strconv.ParseUint: parsing \"x\": "
                + "invalid syntax", failure("--max-concurrent-streams", "x").message());
        assertEquals("invalid value \"5000000000\" for flag -max-concurrent-streams: strconv.ParseUint: parsing "
                + "\"5000000000\": value out of range", failure("--max-concurrent-streams", "5000000000").message());
    }

    @Test
    void badDurations() {
        assertEquals("invalid value \"5\" for flag -grpc-keepalive-min-time: parse error",
                failure("--grpc-keepalive-min-time", "5").message());
        assertEquals("invalid value \"1x\" for flag -grpc-keepalive-min-time: parse error",
                failure("--grpc-keepalive-min-time", "1x").message());
    }

    @Test
    void badSelection() {
        assertEquals("invalid value \"foo\" for flag -initial-cluster-state: invalid value",
                failure("--initial-cluster-state", "foo").message());
        assertEquals("invalid value \"maybe\" for flag -proxy: invalid value", failure("--proxy", "maybe").message());
        assertEquals("existing", config("--initial-cluster-state=existing").initialClusterState());
    }

    @Test
    void missingArgument() {
        assertEquals("flag needs an argument: -heartbeat-interval", failure("--heartbeat-interval").message());
        assertEquals("flag needs an argument: -name", failure("--name").message());
    }

    @Test
    void badFlagSyntax() {
        assertEquals("bad flag syntax: ---name=x", failure("---name=x").message());
        assertEquals("bad flag syntax: --=x", failure("--=x").message());
        assertEquals(2, failure("--=x").exitCode());
    }

    @Test
    void positionalArguments() {
        assertEquals("'extra' is not a valid flag", failure("extra").message());
        assertEquals("'extra' is not a valid flag", failure("--name", "a", "extra").message());
        assertEquals("'-' is not a valid flag", failure("-").message());
        ParseResult.Failure f = failure("--", "foo");
        assertEquals("'foo' is not a valid flag", f.message());
        assertEquals(1, f.exitCode());
        assertFalse(f.showUsage());
        assertEquals("error verifying flags, 'foo' is not a valid flag. See 'etcd --help'.\n", f.stderrText());
    }

    @Test
    void doubleDashEndsFlags() {
        assertEquals("a", config("--name=a", "--").name());
        assertEquals("'--name=b' is not a valid flag", failure("--", "--name=b").message());
    }

    @Test
    void parsingStopsAtFirstError() {
        assertEquals("flag provided but not defined: -foo", failure("--foo=bar", "-h").message());
        assertInstanceOf(ParseResult.Help.class, parse("--help", "--foo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-h", "--h", "-help", "--help", "--help=false"})
    void help(String arg) {
        ParseResult.Help help = assertInstanceOf(ParseResult.Help.class, parse(arg));
        assertEquals(Usage.usageLine() + "\n", help.stderr());
        assertEquals(Usage.flags() + "\n", help.stdout());
        assertTrue(help.stdout().startsWith("\nMember:\n  --name 'default'\n"));
    }

    @Test
    void version() {
        ParseResult.Version v = assertInstanceOf(ParseResult.Version.class, parse("--version"));
        assertTrue(v.stdout().startsWith("etcd Version: 3.4.23\netcdj Version: "), v.stdout());
        assertInstanceOf(ParseResult.Version.class, parse("-version", "--name=x"));
        // Version is decided after parsing: syntax errors and positional arguments come first.
        assertEquals("'extra' is not a valid flag", failure("--version", "extra").message());
        assertEquals("flag provided but not defined: -foo", failure("--version", "--foo").message());
        // ... but before the environment is read.
        assertInstanceOf(ParseResult.Version.class, parse(Map.of("ETCD_SNAPSHOT_COUNT", "x"), "--version"));
        assertInstanceOf(ParseResult.Run.class, parse("--version=false", "--data-dir=d"));
    }

    @Test
    void legacyFlagsAreAcceptedWithEtcdsWarningAndAreBooleanLike() {
        EtcdConfig c = config("--cluster-active-size=5", "--snapshot", "--data-dir=d");
        assertEquals(List.of("flag \"-cluster-active-size\" is no longer supported - ignoring.",
                "flag \"-snapshot\" is no longer supported - ignoring."), c.warnings());
        assertEquals("'x' is not a valid flag", failure("--snapshot", "x").message());
    }
}
