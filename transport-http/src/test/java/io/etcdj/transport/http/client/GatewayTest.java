package io.etcdj.transport.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The v3 JSON gateway: grpc-gateway's JSON, errors and streams. */
class GatewayTest extends HttpFace {
    private static final String HEADER = "{\"cluster_id\":\"15118495548433857066\",\"member_id\":\"13668033151171901709\"";

    @Test
    void putThenRangeInProtobufJson() throws IOException {
        RawHttp.Answer put = RawHttp.json(port, "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");
        assertEquals(200, put.status());
        assertEquals("{\"header\":" + HEADER + ",\"revision\":\"2\",\"raft_term\":\"2\"}}", put.text());
        assertEquals("application/json", put.header("Content-Type"));
        assertEquals("application/grpc", put.header("Grpc-Metadata-Content-Type"));
        RawHttp.Answer range = RawHttp.json(port, "/v3beta/kv/range", "{\"key\":\"Zm9v\",\"bogus\":1} trailing");
        assertEquals("{\"header\":" + HEADER + ",\"revision\":\"2\",\"raft_term\":\"2\"},\"kvs\":[{\"key\":\"Zm9v\","
                + "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}],\"count\":\"1\"}",
                range.text());
        assertEquals(ByteString.copyFromUtf8("bar"), etcd.kv.get(ByteString.copyFromUtf8("foo")));
    }

    @Test
    void errorsAreGrpcGatewayBodies() throws IOException {
        RawHttp.Answer empty = RawHttp.json(port, "/v3/kv/range", "");
        assertEquals(400, empty.status());
        assertEquals("{\"error\":\"etcdserver: key is not provided\",\"message\":\"etcdserver: key is not provided\","
                + "\"code\":3}", empty.text());
        RawHttp.Answer future = RawHttp.json(port, "/v3/kv/compaction", "{\"revision\":100}");
        assertEquals(400, future.status());
        assertTrue(future.text().endsWith(",\"code\":11}"), future.text());
        RawHttp.Answer badJson = RawHttp.json(port, "/v3/kv/range", "{bad");
        assertEquals(400, badJson.status());
        assertTrue(badJson.text().startsWith("{\"error\":") && badJson.text().endsWith(",\"code\":3}"), badJson.text());
        RawHttp.Answer badBase64 = RawHttp.json(port, "/v3/kv/range", "{\"key\":\"!!\"}");
        assertEquals(400, badBase64.status());
        RawHttp.Answer auth = RawHttp.json(port, "/v3/auth/user/list", "{}");
        assertEquals(501, auth.status());
        assertEquals("{\"error\":\"Method not found: etcdserverpb.Auth/UserList\",\"message\":\"Method not found: "
                + "etcdserverpb.Auth/UserList\",\"code\":12}", auth.text());
        RawHttp.Answer notBuilt = RawHttp.json(port, "/v3/maintenance/defragment", "{}");
        assertEquals(501, notBuilt.status());
        assertTrue(notBuilt.text().endsWith("\"code\":12}"));
    }

    @Test
    void pathsAndMethodsAsGrpcGateway() throws IOException {
        RawHttp.Answer get = RawHttp.get(port, "/v3/kv/range");
        assertEquals(405, get.status());
        assertEquals("Method Not Allowed\n", get.text());
        RawHttp.Answer unknown = RawHttp.json(port, "/v3/kv/nope", "{}");
        assertEquals(404, unknown.status());
        assertEquals("Not Found\n", unknown.text());
        RawHttp.Answer hash = RawHttp.json(port, "/v3/maintenance/hash", "{}");
        assertTrue(hash.text().endsWith(",\"hash\":200390412}"), hash.text());
        RawHttp.Answer leases = RawHttp.json(port, "/v3/kv/lease/leases", "{}");
        assertEquals(501, leases.status());
        RawHttp.Answer status = RawHttp.json(port, "/v3/maintenance/status", "{}");
        assertTrue(status.text().contains("\"version\":\"3.4.23\",\"leader\":\"13668033151171901709\""), status.text());
        RawHttp.Answer members = RawHttp.json(port, "/v3/cluster/member/list", "{}");
        assertTrue(members.text().contains("\"members\":[{\"ID\":\"13668033151171901709\",\"name\":\"default\","
                + "\"peerURLs\":[\"http://127.0.0.1:23801\"],\"clientURLs\":[\"http://127.0.0.1:23791\"]}]"), members.text());
    }

    @Test
    void watchStreamsResultLinesUntilTheClientLeaves() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            String body = "{\"create_request\":{\"key\":\"Zm9v\"}}";
            c.send("POST /v3/watch HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            RawHttp.Answer head = c.readHead();
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            assertEquals("{\"result\":{\"header\":{\"revision\":\"2\"},\"created\":true}}\n", c.readChunk());
            Await.until("a session", () -> etcd.watchSessions.size() == 1);
            FakeEtcd.FakeWatch session = etcd.watchSessions.get(0);
            assertEquals("Zm9v", java.util.Base64.getEncoder().encodeToString(
                    session.handled.get(0).getCreateRequest().getKey().toByteArray()));
            session.offer(WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(3))
                    .addEvents(Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("foo"))
                            .setValue(ByteString.copyFromUtf8("baz")).setModRevision(3))).build());
            assertEquals("{\"result\":{\"header\":{\"revision\":\"3\"},\"events\":[{\"kv\":{\"key\":\"Zm9v\","
                    + "\"mod_revision\":\"3\",\"value\":\"YmF6\"}}]}}\n", c.readChunk());
            assertTrue(!session.closed);
        }
        Await.until("the session closes with the connection", () -> etcd.watchSessions.get(0).closed);
    }

    @Test
    void watchRequestsMayStreamInAChunkedBody() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /v3/watch HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            String first = "{\"create_request\":{\"key\":\"YQ==\"}}";
            c.send(Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
            c.readHead();
            c.readChunk();
            String second = " {\"create_request\":{\"key\":\"Yg==\"}}\n";
            c.send(Integer.toHexString(second.length()) + "\r\n" + second + "\r\n");
            assertEquals("{\"result\":{\"header\":{\"revision\":\"2\"},\"created\":true}}\n", c.readChunk());
            assertEquals(2, etcd.watchSessions.get(0).handled.size());
        }
        Await.until("the session closes", () -> etcd.watchSessions.get(0).closed);
    }

    @Test
    void aBadFirstWatchRequestFailsTheRequest() throws IOException {
        RawHttp.Answer a = RawHttp.json(port, "/v3/watch", "{\"create_request\":{\"key\":5}}");
        assertEquals(500, a.status());
        assertTrue(a.text().endsWith("\"code\":2}"), a.text());
    }

    @Test
    void keepAliveAnswersEachRenewalInOrder() throws IOException {
        etcd.leases.put(42L, 30L);
        String body = "{\"ID\":42}{\"ID\":5}";
        RawHttp.Answer a = RawHttp.exchange(port, "POST /v3/lease/keepalive HTTP/1.1\r\nHost: h\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);
        assertEquals(200, a.status());
        assertEquals(2, a.chunks().size());
        assertTrue(a.chunks().get(0).endsWith(",\"ID\":\"42\",\"TTL\":\"30\"}}\n"), a.chunks().get(0));
        assertEquals("{\"result\":{\"header\":{},\"ID\":\"5\"}}\n", a.chunks().get(1));
    }

    @Test
    void aStreamThatCannotStartIsAnErrorChunk() throws IOException {
        RawHttp.Answer a = RawHttp.json(port, "/v3/maintenance/snapshot", "{}");
        assertEquals(501, a.status());
        assertEquals("{\"error\":{\"grpc_code\":12,\"http_code\":501,\"message\":\"etcdj: not implemented yet\","
                + "\"http_status\":\"Not Implemented\"}}", a.text());
        assertNull(a.header("Content-Length"));
        assertEquals("tok", contextTokenOf("/v3/kv/put"));
    }

    @Test
    void aLockWaitsUntilGrantedAndIsCancelledWhenTheClientLeaves() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            String body = "{\"name\":\"bXk=\"}";
            c.send("POST /v3/lock/lock HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            Await.until("the lock call", () -> etcd.pendingLock != null);
            etcd.pendingLock.complete(io.etcdj.api.v3lockpb.LockResponse.newBuilder()
                    .setKey(com.google.protobuf.ByteString.copyFromUtf8("my/1")).build());
            assertEquals("{\"key\":\"bXkvMQ==\"}", c.read().text());
        }
        etcd.pendingLock = null;
        RawHttp c = new RawHttp(port);
        String body = "{\"name\":\"bXk=\"}";
        c.send("POST /v3/lock/lock HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        Await.until("the lock call", () -> etcd.pendingLock != null);
        c.close();
        Await.until("the lock call is cancelled", () -> etcd.pendingLock.isCancelled());
    }

    @Test
    void closingTheTransportEndsOpenStreams() throws IOException {
        try (RawHttp c = new RawHttp(port)) {
            String body = "{\"create_request\":{\"key\":\"Zm9v\"}}";
            c.send("POST /v3/watch HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            c.readHead();
            c.readChunk();
            transport.close();
            // The connection ends with no last chunk: the stream was cut, not finished.
            assertEquals(0, c.readRest().length);
            assertTrue(etcd.watchSessions.get(0).closed);
        }
    }

    private String contextTokenOf(String path) throws IOException {
        String body = "{\"key\":\"YQ==\"}";
        RawHttp.exchange(port, "POST " + path + " HTTP/1.1\r\nHost: h\r\nAuthorization: tok\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
        return etcd.contexts.get(etcd.contexts.size() - 1).authToken();
    }
}
