package io.etcdj.transport.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pieces of Go behaviour the HTTP face reproduces. */
class GoSemanticsTest {
    @Test
    void serveMuxCleansPathsKeepingTheTrailingSlash() {
        assertEquals("/v2/keys/foo", GoPaths.cleanPath("/v2/keys//foo"));
        assertEquals("/v2/keys/foo/", GoPaths.cleanPath("/v2/keys/foo/"));
        assertEquals("/foo", GoPaths.cleanPath("/v2/../../foo"));
        assertEquals("/", GoPaths.cleanPath("/.."));
        assertEquals("/a/", GoPaths.cleanPath("/a/./b/../"));
        assertEquals("/", GoPaths.cleanPath(""));
    }

    @Test
    void parseQueryKeepsGoingAndReportsTheFirstError() {
        FormValues.Parsed p = FormValues.parse("a=1&a=2&b=x+y%21&&c&d=%zz&e=5");
        assertEquals(List.of("1", "2"), p.values().all("a"));
        assertEquals("x y!", p.values().first("b"));
        assertEquals("", p.values().first("c"));
        assertEquals("5", p.values().first("e"));
        assertEquals("invalid URL escape \"%zz\"", p.error());
        // A semicolon overrides an earlier error, as Go 1.19 assigns it unconditionally.
        assertEquals("invalid semicolon separator in query", FormValues.parse("a=%z&b;c").error());
        assertEquals("invalid URL escape \"%\"", FormValues.parse("k=%").error());
    }

    @Test
    void strconvAcceptsExactlyGosSpellings() throws GoStrconv.SyntaxError {
        for (String t : new String[] {"1", "t", "T", "TRUE", "true", "True"}) {
            assertEquals(true, GoStrconv.parseBool(t));
        }
        for (String bad : new String[] {"yes", "tRUE", "", " true"}) {
            assertThrows(GoStrconv.SyntaxError.class, () -> GoStrconv.parseBool(bad));
        }
        assertEquals(-1L, GoStrconv.parseUint64("18446744073709551615"));
        for (String bad : new String[] {"18446744073709551616", "-1", "+1", "", "1_0", " 1"}) {
            assertThrows(GoStrconv.SyntaxError.class, () -> GoStrconv.parseUint64(bad));
        }
    }

    @Test
    void jsonValuesAreCutWhereGosDecoderCutsThem() throws IOException {
        String stream = " {\"a\":\"}{\\\"\"} [1,{\"b\":2}]\n\"s\" 12 {\"x\":";
        JsonValueReader r = new JsonValueReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 100);
        assertEquals("{\"a\":\"}{\\\"\"}", r.next());
        assertEquals("[1,{\"b\":2}]", r.next());
        assertEquals("\"s\"", r.next());
        assertEquals("12", r.next());
        assertEquals("{\"x\":", r.next());
        assertNull(r.next());
        JsonValueReader small = new JsonValueReader(new ByteArrayInputStream("{\"long\":true}".getBytes()), 5);
        assertThrows(JsonValueReader.TooLong.class, small::next);
    }

    @Test
    void peerUrlsAreCheckedAndSortedAsEtcd() throws PeerUrls.Invalid {
        assertEquals(List.of("http://a:1", "https://[::1]:2"), PeerUrls.parse(List.of(" https://[::1]:2", "http://a:1")));
        assertEquals("URL scheme must be http, https, unix, or unixs: ftp://a:1",
                assertThrows(PeerUrls.Invalid.class, () -> PeerUrls.parse(List.of("ftp://a:1"))).getMessage());
        assertEquals("URL address does not have the form \"host:port\": http://a:1:2",
                assertThrows(PeerUrls.Invalid.class, () -> PeerUrls.parse(List.of("http://a:1:2"))).getMessage());
        assertEquals("URL must not contain a path: http://a:1/",
                assertThrows(PeerUrls.Invalid.class, () -> PeerUrls.parse(List.of("http://a:1/"))).getMessage());
    }

    @Test
    void mediaTypesAsGosMimePackage() {
        assertEquals("application/x-www-form-urlencoded",
                GoForm.MediaType.parse("Application/X-WWW-Form-Urlencoded; charset=utf-8").type());
        assertEquals("application/octet-stream", GoForm.MediaType.parse(null).type());
        assertEquals("mime: expected slash after first token", GoForm.MediaType.parse("text").error());
        assertEquals("mime: no media type", GoForm.MediaType.parse("; x=y").error());
    }
}
