package io.etcdj.transport.grpc;

import static io.etcdj.transport.grpc.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaseServiceTest {
    /**
     * One renewal the fake server received, answered when the test says so. It stops counting as
     * outstanding before its future completes, so the count never includes a renewal the
     * transport may already have answered.
     */
    final class Renewal {
        private final long id;
        private final CompletableFuture<LeaseKeepAliveResponse> result = new CompletableFuture<>();

        Renewal(long id) {
            this.id = id;
        }

        void answer(long ttl) {
            outstanding.decrementAndGet();
            result.complete(LeaseKeepAliveResponse.newBuilder().setID(id).setTTL(ttl).build());
        }

        void fail(EtcdError error) {
            outstanding.decrementAndGet();
            result.completeExceptionally(error.exception());
        }
    }

    private final List<Renewal> renewals = new CopyOnWriteArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private Fixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new Fixture(new FakeServer() {
            @Override
            public CompletableFuture<LeaseKeepAliveResponse> leaseKeepAlive(LeaseKeepAliveRequest request,
                                                                            RequestContext context) {
                maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                Renewal renewal = new Renewal(request.getID());
                renewals.add(renewal);
                return renewal.result;
            }

            @Override
            public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request, RequestContext context) {
                return CompletableFuture.completedFuture(
                        LeaseGrantResponse.newBuilder().setID(request.getID()).setTTL(request.getTTL()).build());
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static LeaseKeepAliveRequest renew(long id) {
        return LeaseKeepAliveRequest.newBuilder().setID(id).build();
    }

    @Test
    void unaryLeaseCallsReachTheServer() {
        LeaseGrantResponse granted = LeaseGrpc.newBlockingStub(fixture.channel)
                .leaseGrant(LeaseGrantRequest.newBuilder().setID(42).setTTL(5).build());
        assertEquals(42, granted.getID());
        assertEquals(5, granted.getTTL());
        var notBuilt = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> LeaseGrpc.newBlockingStub(fixture.channel).leaseLeases(LeaseLeasesRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, notBuilt.getStatus().getCode());
    }

    @Test
    void answersComeInRequestOrderWhateverOrderTheServerFinishesIn() throws Exception {
        Collector<LeaseKeepAliveRequest, LeaseKeepAliveResponse> client = Collector.reading();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(fixture.channel).leaseKeepAlive(client);
        for (long id = 1; id <= 3; id++) {
            requests.onNext(renew(id));
        }
        await(() -> renewals.size() == 3, "three renewals reached the server");
        renewals.get(2).answer(30);
        renewals.get(1).answer(20);
        await(() -> outstanding.get() == 1, "two renewals finished");
        assertEquals(0, client.received.size(), "nothing is sent before the first renewal is answered");
        renewals.get(0).answer(10);
        await(() -> client.received.size() == 3, "all three answers arrived");
        assertEquals(List.of(1L, 2L, 3L), client.received.stream().map(LeaseKeepAliveResponse::getID).toList());
        assertEquals(List.of(10L, 20L, 30L), client.received.stream().map(LeaseKeepAliveResponse::getTTL).toList());

        requests.onCompleted();
        assertEquals(Status.Code.OK, client.status().getCode(), "half-close ends the stream once all is answered");
    }

    @Test
    void anUnknownLeaseIsAnsweredWithTtlZeroAndTheStreamGoesOn() throws Exception {
        Collector<LeaseKeepAliveRequest, LeaseKeepAliveResponse> client = Collector.reading();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(fixture.channel).leaseKeepAlive(client);
        requests.onNext(renew(7));
        requests.onNext(renew(8));
        await(() -> renewals.size() == 2, "two renewals reached the server");
        renewals.get(0).fail(EtcdError.LEASE_NOT_FOUND);
        renewals.get(1).answer(60);
        await(() -> client.received.size() == 2, "both answered");
        LeaseKeepAliveResponse gone = client.received.get(0);
        assertEquals(7, gone.getID());
        assertEquals(0, gone.getTTL());
        assertTrue(gone.hasHeader(), "etcd always sends a header");
        assertEquals(8, client.received.get(1).getID());
        assertEquals(60, client.received.get(1).getTTL());
        assertTrue(!client.done.isDone(), "the stream is still open");
        requests.onCompleted();
        assertEquals(Status.Code.OK, client.status().getCode());
    }

    @Test
    void anyOtherFailureEndsTheStreamAfterTheAnswersBeforeIt() throws Exception {
        Collector<LeaseKeepAliveRequest, LeaseKeepAliveResponse> client = Collector.reading();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(fixture.channel).leaseKeepAlive(client);
        requests.onNext(renew(1));
        requests.onNext(renew(2));
        requests.onNext(renew(3));
        await(() -> renewals.size() == 3, "three renewals reached the server");
        renewals.get(1).fail(EtcdError.NO_LEADER);
        renewals.get(2).answer(30);
        renewals.get(0).answer(10);
        Status status = client.status();
        assertEquals(Status.Code.UNAVAILABLE, status.getCode());
        assertEquals("etcdserver: no leader", status.getDescription());
        assertEquals(List.of(1L), client.received.stream().map(LeaseKeepAliveResponse::getID).toList());
    }

    @Test
    void renewalsInFlightAreBoundedPerStream() throws Exception {
        int total = 5 * KeepAliveStream.MAX_IN_FLIGHT;
        Collector<LeaseKeepAliveRequest, LeaseKeepAliveResponse> client = Collector.reading();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(fixture.channel).leaseKeepAlive(client);
        for (long id = 1; id <= total; id++) {
            requests.onNext(renew(id));
        }
        // The server never has more than MAX_IN_FLIGHT unanswered renewals of this stream: the
        // next is read only once one was answered. Answer the oldest each time the window is full.
        int answered = 0;
        while (answered < total) {
            int expectedInFlight = Math.min(KeepAliveStream.MAX_IN_FLIGHT, total - answered);
            await(() -> outstanding.get() == expectedInFlight, expectedInFlight + " renewals in flight");
            renewals.get(answered).answer(answered);
            answered++;
        }
        await(() -> client.received.size() == total, "every renewal was answered");
        assertEquals(KeepAliveStream.MAX_IN_FLIGHT, maxOutstanding.get());
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, client.received.get(i).getID());
        }
    }
}
