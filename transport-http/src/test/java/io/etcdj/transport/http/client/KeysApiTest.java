package io.etcdj.transport.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.serverpb.V2Request;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code /v2/keys}: etcd's answers, byte for byte, with etcd's headers and error codes. */
class KeysApiTest extends HttpFace {
    private static final String CLUSTER = "d1cfaf999eb97a2a";

    @Test
    void setThenGetAnswersEtcdsJsonAndHeaders() throws IOException {
        RawHttp.Answer put = RawHttp.form(port, "PUT", "/v2/keys/foo", "value=bar");
        assertEquals("HTTP/1.1 201 Created", put.statusLine());
        assertEquals("{\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}\n", put.text());
        assertEquals("application/json", put.header("Content-Type"));
        assertEquals(CLUSTER, put.header("X-Etcd-Cluster-Id"));
        assertEquals("1", put.header("X-Etcd-Index"));
        assertEquals("6", put.header("X-Raft-Index"));
        assertEquals("2", put.header("X-Raft-Term"));
        assertEquals("*", put.header("Access-Control-Allow-Origin"));
        assertEquals(String.valueOf(put.body().length), put.header("Content-Length"));

        RawHttp.Answer get = RawHttp.get(port, "/v2/keys/foo");
        assertEquals(200, get.status());
        assertEquals("{\"action\":\"get\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\",\"modifiedIndex\":1,"
                + "\"createdIndex\":1}}\n", get.text());

        RawHttp.Answer head = RawHttp.head(port, "/v2/keys/foo");
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(get.body().length), head.header("Content-Length"));
        assertEquals("1", head.header("X-Etcd-Index"));
    }

    @Test
    void aMissingKeyIsErrorHundredWithoutRaftHeaders() throws IOException {
        RawHttp.Answer a = RawHttp.get(port, "/v2/keys/nope");
        assertEquals(404, a.status());
        assertEquals("{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/nope\",\"index\":0}\n", a.text());
        assertEquals("0", a.header("X-Etcd-Index"));
        assertEquals(CLUSTER, a.header("X-Etcd-Cluster-Id"));
        assertNull(a.header("X-Raft-Index"));
        assertNull(a.header("X-Raft-Term"));
    }

    @Test
    void theDirectoryListingAndInOrderKeys() throws IOException {
        RawHttp.Answer post = RawHttp.form(port, "POST", "/v2/keys/queue", "value=job1");
        assertEquals(201, post.status());
        assertTrue(post.text().startsWith("{\"action\":\"create\",\"node\":{\"key\":\"/queue/00000000000000000001\""),
                post.text());
        RawHttp.Answer root = RawHttp.get(port, "/v2/keys");
        assertEquals(200, root.status());
        assertTrue(root.text().startsWith("{\"action\":\"get\",\"node\":{\"dir\":true,\"nodes\":[{\"key\":\"/queue\""),
                root.text());
    }

    @Test
    void badFieldsAreEtcdsFormErrors() throws IOException {
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo?ttl=abc", "value=bar"), 202,
                "The given TTL in POST form is not a number", "invalid value for \\\"ttl\\\"");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo", "value=bar&ttl=-1"), 202,
                "The given TTL in POST form is not a number", "invalid value for \\\"ttl\\\"");
        assertError(RawHttp.get(port, "/v2/keys/foo?prevIndex=x"), 203,
                "The given index in POST form is not a number", "invalid value for \\\"prevIndex\\\"");
        assertError(RawHttp.get(port, "/v2/keys/foo?waitIndex=-3"), 203,
                "The given index in POST form is not a number", "invalid value for \\\"waitIndex\\\"");
        assertError(RawHttp.get(port, "/v2/keys/foo?recursive=yes"), 209, "Invalid field",
                "invalid value for \\\"recursive\\\"");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo?wait=true", "value=q"), 209, "Invalid field",
                "\\\"wait\\\" can only be used with GET requests");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo", "value=q&prevValue="), 201,
                "PrevValue is Required in POST form", "\\\"prevValue\\\" cannot be empty");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo", "value=q&prevExist=maybe"), 209, "Invalid field",
                "invalid value for prevExist");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo", "value=q&refresh=true&ttl=5"), 211,
                "Value provided on refresh", "A value was provided on a refresh");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo", "refresh=true"), 212,
                "A TTL must be provided on refresh", "No TTL value set");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo", "value=%zz"), 210, "Invalid POST form",
                "invalid URL escape \\\"%zz\\\"");
        assertError(RawHttp.form(port, "PUT", "/v2/keys/foo?a=1;b=2", "value=q"), 210, "Invalid POST form",
                "invalid semicolon separator in query");
    }

    private static void assertError(RawHttp.Answer a, int code, String message, String cause) {
        assertEquals(400, a.status(), a.text());
        assertEquals("{\"errorCode\":" + code + ",\"message\":\"" + message + "\",\"cause\":\"" + cause
                + "\",\"index\":0}\n", a.text());
        assertEquals("0", a.header("X-Etcd-Index"));
        assertNull(a.header("X-Raft-Index"));
    }

    @Test
    void formFieldsReachTheServerAsEtcdBuildsThem() throws IOException {
        etcd.v2Set("/a", "1");
        RawHttp.Answer a = RawHttp.form(port, "PUT", "/v2/keys/a?prevExist=false&value=fromQuery",
                "value=fromBody&prevExist=true&ttl=100&prevIndex=1");
        assertEquals(200, a.status(), a.text());
        assertTrue(a.text().contains("\"action\":\"compareAndSwap\""), a.text());
        assertTrue(a.text().contains("\"value\":\"fromBody\""), a.text());
        assertTrue(a.text().contains("\"ttl\":100") || a.text().contains("\"ttl\":99"), a.text());
    }

    @Test
    void noValueOnSuccessLeavesTheNodesOut() throws IOException {
        RawHttp.Answer a = RawHttp.form(port, "PUT", "/v2/keys/foo?noValueOnSuccess=true", "value=bar");
        assertEquals(201, a.status());
        assertEquals("{\"action\":\"set\"}\n", a.text());
        assertEquals("1", a.header("X-Etcd-Index"));
    }

    @Test
    void otherMethodsAre405WithEtcdsAllowList() throws IOException {
        RawHttp.Answer a = RawHttp.form(port, "PATCH", "/v2/keys/foo", "value=1");
        assertEquals(405, a.status());
        assertEquals("Method Not Allowed\n", a.text());
        assertEquals("HEAD,GET,PUT,POST,DELETE", a.header("Allow"));
        assertEquals("text/plain; charset=utf-8", a.header("Content-Type"));
        assertEquals("nosniff", a.header("X-Content-Type-Options"));
        assertNull(a.header("X-Etcd-Cluster-Id"));
    }

    @Test
    void uncleanPathsAreRedirectedAsByGosServeMux() throws IOException {
        RawHttp.Answer a = RawHttp.get(port, "/v2/keys//foo?recursive=true");
        assertEquals(301, a.status());
        assertEquals("/v2/keys/foo?recursive=true", a.header("Location"));
        assertEquals("<a href=\"/v2/keys/foo?recursive=true\">Moved Permanently</a>.\n\n", a.text());
        assertEquals("/v2/keys/foo", RawHttp.get(port, "/v2/keys/a/../foo").header("Location"));
        assertEquals("/v3/", RawHttp.get(port, "/v3").header("Location"));
        // Percent-escapes are decoded: "%2f" is a slash, so this names /f/o.
        RawHttp.Answer escaped = RawHttp.get(port, "/v2/keys/f%2fo");
        assertTrue(escaped.text().contains("\"cause\":\"/f\""), escaped.text());
    }

    @Test
    void unknownPathsAreGos404() throws IOException {
        for (String path : new String[] {"/nope", "/v2/stats", "/v2", "/v2/keysx"}) {
            RawHttp.Answer a = RawHttp.get(port, path);
            assertEquals(404, a.status(), path);
            assertEquals("404 page not found\n", a.text());
        }
    }

    @Test
    void optionsIsAnsweredForCors() throws IOException {
        RawHttp.Answer a = RawHttp.exchange(port, RawHttp.request("OPTIONS", "/v2/keys/foo", null));
        assertEquals(200, a.status());
        assertEquals("0", a.header("Content-Length"));
        assertEquals("POST, GET, OPTIONS, PUT, DELETE", a.header("Access-Control-Allow-Methods"));
    }

    @Test
    void aServerFailureIsRaftInternalError() throws IOException {
        etcd.v2Fails = true;
        RawHttp.Answer a = RawHttp.form(port, "PUT", "/v2/keys/foo", "value=bar");
        assertEquals(500, a.status());
        assertEquals("{\"errorCode\":300,\"message\":\"Raft Internal Error\",\"cause\":\"etcdserver: request timed out\","
                + "\"index\":0}\n", a.text());
    }

    @Test
    void theAuthorizationHeaderIsTheToken() throws IOException {
        RawHttp.exchange(port, "GET /v2/keys/x HTTP/1.1\r\nHost: h\r\nAuthorization: tok123\r\n\r\n");
        assertEquals("tok123", etcd.contexts.get(etcd.contexts.size() - 1).authToken());
    }

    @Test
    void theRequestReachesTheServerAsEtcdBuildsIt() throws IOException {
        long before = System.currentTimeMillis();
        RawHttp.form(port, "PUT", "/v2/keys/dir/sub/?dir=true&sorted=1&quorum=T", "ttl=30&prevValue=p&prevIndex=7");
        V2Request r = etcd.v2Requests.get(etcd.v2Requests.size() - 1);
        assertEquals("PUT", r.getMethod());
        assertEquals("/1/dir/sub", r.getPath());
        assertTrue(r.getDir() && r.getSorted() && r.getQuorum());
        assertEquals("p", r.getPrevValue());
        assertEquals(7, r.getPrevIndex());
        assertTrue(!r.hasPrevExist() && !r.hasRefresh());
        long expiresMillis = r.getExpiration() / 1_000_000;
        assertTrue(expiresMillis >= before + 30_000 && expiresMillis <= System.currentTimeMillis() + 30_000,
                "expiration " + expiresMillis);
        try (RawHttp watch = new RawHttp(port)) {
            watch.send(RawHttp.request("GET", "/v2/keys?wait=true&waitIndex=18446744073709551615&stream=true"
                    + "&recursive=true", null));
            watch.readHead();
            r = etcd.v2Requests.get(etcd.v2Requests.size() - 1);
            assertEquals("/1", r.getPath());
            assertEquals(-1L, r.getSince());
            assertTrue(r.getWait() && r.getStream() && r.getRecursive());
        }
    }
}
