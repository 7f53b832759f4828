package io.etcdj.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Go's number, duration, URL and IP syntax as etcd's flags see it. */
class GoSyntaxTest {

    private static GoNumbers.Failure uintFailure(String s, int bits) {
        return assertThrows(GoNumbers.NumberException.class, () -> GoNumbers.parseUint(s, bits)).failure;
    }

    @Test
    void unsignedIntegers() throws Exception {
        assertEquals(0, GoNumbers.parseUint("0", 64));
        assertEquals(255, GoNumbers.parseUint("0xFf", 64));
        assertEquals(8, GoNumbers.parseUint("0o10", 64));
        assertEquals(8, GoNumbers.parseUint("010", 64));
        assertEquals(3, GoNumbers.parseUint("0b11", 64));
        assertEquals(1_000_000, GoNumbers.parseUint("1_000_000", 64));
        assertEquals(16, GoNumbers.parseUint("0x_10", 64));
        assertEquals(4_294_967_295L, GoNumbers.parseUint("4294967295", 32));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("-1", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("+1", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("08", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("0x", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("_1", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("1_", 64));
        assertEquals(GoNumbers.Failure.SYNTAX, uintFailure("1 ", 64));
        assertEquals(GoNumbers.Failure.RANGE, uintFailure("4294967296", 32));
        assertEquals(GoNumbers.Failure.RANGE, uintFailure("18446744073709551616", 64));
        // Go takes this uint64, etcdj's long cannot.
        assertEquals(GoNumbers.Failure.RANGE, uintFailure("9223372036854775808", 64));
    }

    @Test
    void signedIntegersAndBooleans() throws Exception {
        assertEquals(-16, GoNumbers.parseInt("-0x10", 64));
        assertEquals(5, GoNumbers.parseInt("+5", 64));
        assertEquals(Long.MIN_VALUE, GoNumbers.parseInt("-9223372036854775808", 64));
        assertEquals(GoNumbers.Failure.RANGE, assertThrows(GoNumbers.NumberException.class,
                () -> GoNumbers.parseInt("9223372036854775808", 64)).failure);
        assertEquals(GoNumbers.Failure.SYNTAX, assertThrows(GoNumbers.NumberException.class,
                () -> GoNumbers.parseInt("--5", 64)).failure);
        assertTrue(GoNumbers.parseBool("True"));
        assertFalse(GoNumbers.parseBool("f"));
        assertThrows(GoNumbers.NumberException.class, () -> GoNumbers.parseBool("yes"));
    }

    @Test
    void durations() {
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals(Duration.ZERO, GoDuration.parse("-0"));
        assertEquals(Duration.ofMillis(300), GoDuration.parse("300ms"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
        assertEquals(Duration.ofMinutes(165), GoDuration.parse("2h45m"));
        assertEquals(Duration.ofNanos(-1_500_000), GoDuration.parse("-1.5ms"));
        assertEquals(Duration.ofNanos(1_500), GoDuration.parse("1.5\u00b5s"));
        assertEquals(Duration.ofNanos(2_000), GoDuration.parse("2\u03bcs"));
        assertEquals(Duration.ofNanos(2_000), GoDuration.parse("2us"));
        assertEquals(Duration.ofMillis(500), GoDuration.parse(".5s"));
        assertEquals(Duration.ofSeconds(1), GoDuration.parse("1.s"));
        assertEquals("time: invalid duration \"\"", assertThrows(IllegalArgumentException.class,
                () -> GoDuration.parse("")).getMessage());
        assertEquals("time: missing unit in duration \"5\"", assertThrows(IllegalArgumentException.class,
                () -> GoDuration.parse("5")).getMessage());
        assertEquals("time: unknown unit \"x\" in duration \"1x\"", assertThrows(IllegalArgumentException.class,
                () -> GoDuration.parse("1x")).getMessage());
        assertEquals("time: invalid duration \".s\"", assertThrows(IllegalArgumentException.class,
                () -> GoDuration.parse(".s")).getMessage());
        assertEquals("time: invalid duration \"9999999999h\"", assertThrows(IllegalArgumentException.class,
                () -> GoDuration.parse("9999999999h")).getMessage());
    }

    private static String urlError(String list) {
        return assertThrows(EtcdUrls.UrlListException.class, () -> EtcdUrls.parse(list)).getMessage();
    }

    @Test
    void urlErrorsAreGosAndEtcds() {
        assertEquals("URL scheme must be http, https, unix, or unixs: foo", urlError("foo"));
        assertEquals("URL scheme must be http, https, unix, or unixs: localhost:2379", urlError("localhost:2379"));
        assertEquals("parse \"http://a:b/c\": invalid port \":b\" after host", urlError("http://a:b/c"));
        assertEquals("URL address does not have the form \"host:port\": http://1.2.3.4", urlError("http://1.2.3.4"));
        assertEquals("URL must not contain a path: http://1.2.3.4:5/x", urlError("http://1.2.3.4:5/x"));
        assertEquals("URL scheme must be http, https, unix, or unixs: ", urlError("http://1.2.3.4:5,"));
        assertEquals("parse \"http://1.2.3.4:5/%zz\": invalid URL escape \"%zz\"", urlError("http://1.2.3.4:5/%zz"));
        assertEquals("parse \"http://a%20b:5\": invalid URL escape \"%20\"", urlError("http://a%20b:5"));
        assertEquals("parse \":2379\": missing protocol scheme", urlError(":2379"));
        assertEquals("parse \"http://[::1\": missing ']' in host", urlError("http://[::1"));
        assertEquals("parse \"http://a b:1\": invalid character \" \" in host name", urlError("http://a b:1"));
        assertEquals("parse \"http://x\\x01:1\": net/url: invalid control character in URL",
                urlError("http://x\u0001:1"));
        assertEquals("URL address does not have the form \"host:port\": unix:///tmp/sock", urlError("unix:///tmp/sock"));
    }

    @Test
    void acceptedUrls() throws Exception {
        assertEquals(List.of(URI.create("http://[::1]:2379"), URI.create("https://10.0.0.1:2379"),
                        URI.create("unix://localhost:0"), URI.create("unixs://a:1")),
                EtcdUrls.parse("unixs://a:1, unix://localhost:0,https://10.0.0.1:2379,HTTP://[::1]:2379"));
        assertEquals(List.of(URI.create("http://u:p@h:1?x=1")), EtcdUrls.parse("http://u:p@h:1?x=1"));
        assertEquals(List.of(URI.create("http://h:")), EtcdUrls.parse("http://h:"));
    }

    @Test
    void ipAddresses() {
        assertTrue(GoIp.isIp("127.0.0.1"));
        assertTrue(GoIp.isIp("0.0.0.0"));
        assertTrue(GoIp.isIp("::"));
        assertTrue(GoIp.isIp("::1"));
        assertTrue(GoIp.isIp("fe80::1:2"));
        assertTrue(GoIp.isIp("1:2:3:4:5:6:7:8"));
        assertTrue(GoIp.isIp("::ffff:10.0.0.1"));
        assertTrue(GoIp.isIp("1:2:3:4:5:6:1.2.3.4"));
        assertFalse(GoIp.isIp("01.2.3.4"));
        assertFalse(GoIp.isIp("256.1.1.1"));
        assertFalse(GoIp.isIp("1.2.3"));
        assertFalse(GoIp.isIp("localhost"));
        assertFalse(GoIp.isIp(""));
        assertFalse(GoIp.isIp("1:2:3:4:5:6:7:8:9"));
        assertFalse(GoIp.isIp("1::2::3"));
        assertFalse(GoIp.isIp("fe80::1%eth0"));
        assertFalse(GoIp.isIp("12345::1"));
        assertFalse(GoIp.isIp("1:2:3:4:5:6:7:"));
    }

    @Test
    void quoting() {
        assertEquals("\"a\\\"b\\\\c\\n\\x01\"", GoText.quote("a\"b\\c\n\u0001"));
        assertEquals("[\"a\" \"b\"]", GoText.quoteList(List.of("a", "b")));
    }
}
