package io.etcdj.transport.grpc;

import static io.etcdj.transport.grpc.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.WatchSession;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchServiceTest {
    private final FakeWatchSession session = new FakeWatchSession();
    private RequestContext seenContext;
    private Fixture fixture;

    private Fixture start(FakeServer server) throws Exception {
        fixture = new Fixture(server);
        return fixture;
    }

    private Fixture startWithSession() throws Exception {
        return start(new FakeServer() {
            @Override
            public WatchSession watch(RequestContext context) {
                seenContext = context;
                return session;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static WatchRequest create(String key) {
        return WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))).build();
    }

    private static WatchResponse response(long revision) {
        return WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(revision)).setWatchId(1).build();
    }

    @Test
    void requestsReachTheSessionAndResponsesArriveInOrder() throws Exception {
        Fixture f = startWithSession();
        Collector<WatchRequest, WatchResponse> client = Collector.reading();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(f.channel).watch(client);
        requests.onNext(create("a"));
        requests.onNext(create("b"));
        await(() -> session.handled.size() == 2, "both requests reached the session");
        assertEquals("a", session.handled.get(0).getCreateRequest().getKey().toStringUtf8());
        assertEquals("b", session.handled.get(1).getCreateRequest().getKey().toStringUtf8());
        assertTrue(seenContext != null, "the session was opened with the call's context");

        for (int i = 1; i <= 500; i++) {
            session.offer(response(i));
        }
        await(() -> client.received.size() == 500, "all responses arrived");
        for (int i = 0; i < 500; i++) {
            assertEquals(i + 1, client.received.get(i).getHeader().getRevision(), "response " + i);
        }
        assertEquals(0, session.closes.get(), "the session stays open while the stream does");
    }

    @Test
    void aClientThatDoesNotReadStopsThePullingAndReadingResumesIt() throws Exception {
        Fixture f = startWithSession();
        ByteString payload = ByteString.copyFrom(new byte[16 * 1024]);
        AtomicLong produced = new AtomicLong();
        Collector<WatchRequest, WatchResponse> client = Collector.manual(1);
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(f.channel).watch(client);
        requests.onNext(create("flood"));
        await(() -> session.handled.size() == 1, "the create request arrived");
        session.produceForever(() -> WatchResponse.newBuilder().setWatchId(produced.incrementAndGet())
                .addEvents(io.etcdj.api.mvccpb.Event.newBuilder()
                        .setKv(io.etcdj.api.mvccpb.KeyValue.newBuilder().setValue(payload)))
                .build());

        // The client reads one response and then nothing: what the server pulls is bounded by the
        // client's 1 MiB window plus gRPC's small send buffer (~66 responses of 16 KiB), far from
        // "everything the session can produce".
        long bound = 4L * Fixture.CLIENT_WINDOW / payload.size();
        long pulledWhileStalled = Fixture.settle(session.polls::get, bound, "responses pulled from a stalled client's session");
        assertTrue(pulledWhileStalled > 1, "the pump pulled at all: " + pulledWhileStalled);

        client.request(2000);
        await(() -> client.received.size() >= 2001, "the stream resumed when the client read again");
        long pulledAfter = Fixture.settle(session.polls::get, pulledWhileStalled + 2000 + bound, "responses pulled after reading");
        assertTrue(pulledAfter >= 2001, "pulled " + pulledAfter);
        for (int i = 0; i < client.received.size(); i++) {
            assertEquals(i + 1, client.received.get(i).getWatchId(), "order of response " + i);
        }

        client.call.cancel("test done", null);
        await(() -> session.closes.get() == 1, "the session was closed when the client cancelled");
        long pollsAtClose = session.polls.get();
        Fixture.settle(session.polls::get, pollsAtClose + 1, "polls after the session was closed");
    }

    @Test
    void halfCloseKeepsTheStreamOpenAsInEtcd() throws Exception {
        Fixture f = startWithSession();
        Collector<WatchRequest, WatchResponse> client = Collector.reading();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(f.channel).watch(client);
        requests.onNext(create("a"));
        requests.onCompleted();
        await(() -> session.handled.size() == 1, "the request arrived");
        session.offer(response(7));
        await(() -> client.received.size() == 1, "a response after the client's half-close still arrived");
        assertEquals(0, session.closes.get());
        assertTrue(!client.done.isDone(), "the server did not end the stream");
        client.call.cancel("done", null);
        await(() -> session.closes.get() == 1, "cancel closed the session");
    }

    @Test
    void stoppingTheTransportClosesOpenSessions() throws Exception {
        Fixture f = startWithSession();
        Collector<WatchRequest, WatchResponse> client = Collector.reading();
        WatchGrpc.newStub(f.channel).watch(client).onNext(create("a"));
        await(() -> session.handled.size() == 1, "the request arrived");
        f.transport.close();
        assertEquals(1, session.closes.get(), "the session was closed by the time the transport stopped");
        assertTrue(!client.status().isOk(), "the client saw its stream end with an error");
    }

    @Test
    void aRefusedWatchEndsWithTheMappedStatus() throws Exception {
        Fixture f = start(new FakeServer() {
            @Override
            public WatchSession watch(RequestContext context) {
                throw EtcdError.NO_LEADER.exception();
            }
        });
        Collector<WatchRequest, WatchResponse> client = Collector.reading();
        WatchGrpc.newStub(f.channel).watch(client).onNext(create("a"));
        Status status = client.status();
        assertEquals(Status.Code.UNAVAILABLE, status.getCode());
        assertEquals("etcdserver: no leader", status.getDescription());
    }

    @Test
    void aFailingRequestEndsTheStreamAndClosesTheSession() throws Exception {
        Fixture f = startWithSession();
        session.onHandle = r -> {
            if (r.hasCancelRequest()) {
                throw EtcdError.PERMISSION_DENIED_ERR.exception();
            }
        };
        Collector<WatchRequest, WatchResponse> client = Collector.reading();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(f.channel).watch(client);
        requests.onNext(create("a"));
        requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(1)).build());
        Status status = client.status();
        assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
        assertEquals("etcdserver: permission denied", status.getDescription());
        await(() -> session.closes.get() == 1, "the session was closed");
    }

    @Test
    void aFailingPollEndsTheStreamAfterTheResponsesBeforeIt() throws Exception {
        Fixture f = startWithSession();
        List<WatchResponse> script = new ArrayList<>(List.of(response(1), response(2)));
        Collector<WatchRequest, WatchResponse> client = Collector.reading();
        WatchGrpc.newStub(f.channel).watch(client).onNext(create("a"));
        await(() -> session.handled.size() == 1, "the request arrived");
        session.produceForever(() -> {
            synchronized (script) {
                if (script.isEmpty()) {
                    throw EtcdError.COMPACTED.exception();
                }
                return script.removeFirst();
            }
        });
        Status status = client.status();
        assertEquals(Status.Code.OUT_OF_RANGE, status.getCode());
        assertEquals(2, client.received.size());
        await(() -> session.closes.get() == 1, "the session was closed exactly once");
        assertEquals(1, session.closes.get());
    }
}
