package io.etcdj.transport.http.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Requests that are not what etcd's handlers expect: clean answers, and the server keeps serving. */
class BadInputTest extends HttpFace {
    @Override
    void configure() {
        // Small limits: bodies over 2 * (1000 + 512 KiB) bytes are refused.
        etcd.maxRequestBytes = 1000;
    }

    private long bodyLimit() {
        return 2L * (1000 + 512 * 1024);
    }

    @Test
    void http10IsAnsweredInKindAndClosed() throws IOException {
        etcd.v2Set("/foo", "bar");
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Answer a = c.exchange("GET /v2/keys/foo HTTP/1.0\r\n\r\n");
            assertEquals("HTTP/1.0 200 OK", a.statusLine());
            assertTrue(a.text().startsWith("{\"action\":\"get\""));
            assertNull(a.header("Connection"));
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Answer a = c.exchange("GET /v2/keys/foo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", a.header("Connection"));
            assertEquals(200, c.exchange("GET /version HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
        }
    }

    @Test
    void garbageIsABadRequestAndClosed() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            c.send("GARBAGE\r\n\r\n");
            assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
                    + "400 Bad Request", new String(c.readRest(), StandardCharsets.UTF_8));
        }
        try (RawHttp c = new RawHttp(port)) {
            c.send("GET /v2/keys/foo HTTP/1.1\r\n\r\n");
            assertEquals("HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; "
                    + "charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header",
                    new String(c.readRest(), StandardCharsets.UTF_8));
        }
        for (String bad : new String[] {
            "GET /v2/keys/foo HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
            "GET /v2/keys/%zz HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /v2/keys/foo HTTP/1.1\r\nHost: h\r\nno colon here\r\n\r\n",
            "GET /v2/keys/foo HTTP/x.y\r\nHost: h\r\n\r\n",
        }) {
            try (RawHttp c = new RawHttp(port)) {
                c.send(bad);
                assertTrue(new String(c.readRest(), StandardCharsets.UTF_8).startsWith("HTTP/1.1 400 Bad Request"), bad);
            }
        }
        try (RawHttp c = new RawHttp(port)) {
            c.send("GET /v2/keys/foo HTTP/2.0\r\nHost: h\r\n\r\n");
            assertTrue(new String(c.readRest(), StandardCharsets.UTF_8).startsWith("HTTP/1.1 505 HTTP Version Not Supported"));
        }
        try (RawHttp c = new RawHttp(port)) {
            c.send("PUT /v2/keys/foo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n");
            assertTrue(new String(c.readRest(), StandardCharsets.UTF_8).endsWith("\r\n\r\nUnsupported transfer encoding"));
        }
        assertEquals(200, RawHttp.get(port, "/version").status());
    }

    @Test
    void anOversizedFormIsEtcdsPostTooLarge() throws IOException {
        byte[] big = ("value=" + "x".repeat((int) bodyLimit())).getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = new RawHttp(port)) {
            c.send("PUT /v2/keys/big HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + big.length + "\r\n\r\n");
            RawHttp.Answer a = c.read();
            assertEquals(400, a.status());
            assertEquals("{\"errorCode\":210,\"message\":\"Invalid POST form\",\"cause\":\"http: POST too large\","
                    + "\"index\":0}\n", a.text());
            // It never asked for the body: the connection is not reused.
            assertEquals("close", a.header("Connection"));
            assertTrue(c.closedByServer());
        }
        // A chunked body is cut off once it passes the limit.
        try (RawHttp c = new RawHttp(port)) {
            c.send("PUT /v2/keys/big HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(big.length) + "\r\n");
            c.send(big);
            RawHttp.Answer a = c.read();
            assertTrue(a.text().contains("http: POST too large"), a.text());
        }
        assertEquals(201, RawHttp.form(port, "PUT", "/v2/keys/small", "value=ok").status());
    }

    @Test
    void anOversizedGatewayRequestIsResourceExhausted() throws IOException {
        // 600,000 bytes of value: over --max-request-bytes + 512 KiB once decoded, under the body limit as base64.
        String value = java.util.Base64.getEncoder().encodeToString(new byte[600_000]);
        RawHttp.Answer a = RawHttp.json(port, "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"" + value + "\"}");
        assertEquals(429, a.status());
        String message = "grpc: received message larger than max (600009 vs. 525288)";
        assertEquals("{\"error\":\"" + message + "\",\"message\":\"" + message + "\",\"code\":8}", a.text());
        assertTrue(etcd.kv.isEmpty());
        // Past the body limit the body is not even read.
        RawHttp.Answer huge = RawHttp.json(port, "/v3/kv/put", "{\"value\":\"" + value + value + "\"}");
        assertEquals(429, huge.status());
        assertEquals("close", huge.header("Connection"));
    }

    @Test
    void aSlowPartialRequestDoesNotHoldUpOthers() throws IOException {
        try (RawHttp slow = new RawHttp(port)) {
            slow.send("GET /v2/keys/foo HTT");
            for (int i = 0; i < 20; i++) {
                assertEquals(200, RawHttp.get(port, "/version").status());
            }
            slow.send("P/1.1\r\nHost: h\r\n\r\n");
            assertEquals(404, slow.read().status());
        }
    }

    @Test
    void chunkedBodiesExpectContinueAndPipeliningWork() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            c.send("PUT /v2/keys/c HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n3\r\nval\r\n4\r\nue=z\r\n0\r\n\r\n");
            RawHttp.Answer a = c.read();
            assertEquals(201, a.status());
            assertTrue(a.text().contains("\"value\":\"z\""));
            c.send("PUT /v2/keys/d HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 7\r\n\r\n");
            c.send("value=y");
            assertEquals(201, c.read().status());
            c.send(RawHttp.request("GET", "/v2/keys/c", null) + RawHttp.request("GET", "/v2/keys/d", null)
                    + RawHttp.request("GET", "/v2/keys/nope", null));
            assertTrue(c.read().text().contains("\"value\":\"z\""));
            assertTrue(c.read().text().contains("\"value\":\"y\""));
            assertEquals(404, c.read().status());
        }
    }

    @Test
    void anUnreadBodyIsSkippedToKeepTheConnection() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            byte[] body = "ignored body".getBytes(StandardCharsets.UTF_8);
            c.send("POST /nope HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(body);
            assertEquals(404, c.read().status());
            RawHttp.Answer next = c.exchange(RawHttp.request("GET", "/version", null));
            assertArrayEquals("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}".getBytes(StandardCharsets.UTF_8),
                    next.body());
        }
    }
}
