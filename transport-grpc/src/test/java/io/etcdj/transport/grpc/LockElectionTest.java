package io.etcdj.transport.grpc;

import static io.etcdj.transport.grpc.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3electionpb.*;
import io.etcdj.api.v3lockpb.LockGrpc;
import io.etcdj.api.v3lockpb.LockRequest;
import io.etcdj.api.v3lockpb.LockResponse;
import io.etcdj.api.v3lockpb.UnlockRequest;
import io.etcdj.api.v3lockpb.UnlockResponse;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.ObserveSession;
import io.etcdj.spi.server.RequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LockElectionTest {
    /** Leaders handed out by the test; finishes (optionally failing) when told. */
    static final class FakeObserveSession implements ObserveSession {
        final Queue<LeaderResponse> ready = new ConcurrentLinkedQueue<>();
        final AtomicInteger closes = new AtomicInteger();
        volatile Runnable listener = () -> { };
        volatile boolean finished;
        volatile Throwable failure;

        void offer(LeaderResponse leader) {
            ready.add(leader);
            listener.run();
        }

        void finish(Throwable why) {
            failure = why;
            finished = true;
            listener.run();
        }

        @Override
        public LeaderResponse poll() {
            return ready.poll();
        }

        @Override
        public void setListener(Runnable responsesWaiting) {
            listener = responsesWaiting;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public Throwable failure() {
            return failure;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private final CompletableFuture<LockResponse> lockResult = new CompletableFuture<>();
    private final CompletableFuture<CampaignResponse> campaignResult = new CompletableFuture<>();
    private final FakeObserveSession observed = new FakeObserveSession();
    private volatile LockRequest lockRequest;
    private volatile CampaignRequest campaignRequest;
    private volatile LeaderRequest observeRequest;
    private Fixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new Fixture(new FakeServer() {
            @Override
            public CompletableFuture<LockResponse> lock(LockRequest request, RequestContext context) {
                lockRequest = request;
                return lockResult;
            }

            @Override
            public CompletableFuture<UnlockResponse> unlock(UnlockRequest request, RequestContext context) {
                return CompletableFuture.completedFuture(UnlockResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(request.getKey().size())).build());
            }

            @Override
            public CompletableFuture<CampaignResponse> campaign(CampaignRequest request, RequestContext context) {
                campaignRequest = request;
                return campaignResult;
            }

            @Override
            public CompletableFuture<ProclaimResponse> proclaim(ProclaimRequest request, RequestContext context) {
                return CompletableFuture.completedFuture(ProclaimResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(request.getLeader().getRev())).build());
            }

            @Override
            public CompletableFuture<LeaderResponse> leader(LeaderRequest request, RequestContext context) {
                return CompletableFuture.completedFuture(leaderIs(request.getName().toStringUtf8() + "/me"));
            }

            @Override
            public CompletableFuture<ResignResponse> resign(ResignRequest request, RequestContext context) {
                return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
            }

            @Override
            public ObserveSession observe(LeaderRequest request, RequestContext context) {
                observeRequest = request;
                return observed;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static LeaderResponse leaderIs(String key) {
        return LeaderResponse.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key))).build();
    }

    @Test
    void lockWaitsForTheServerAndUnlockReachesIt() throws Exception {
        Collector<LockRequest, LockResponse> client = Collector.reading();
        LockGrpc.newStub(fixture.channel).lock(
                LockRequest.newBuilder().setName(ByteString.copyFromUtf8("job")).setLease(9).build(), client);
        await(() -> lockRequest != null, "the lock request reached the server");
        assertEquals("job", lockRequest.getName().toStringUtf8());
        assertEquals(9, lockRequest.getLease());
        assertFalse(client.done.isDone(), "the call waits for the lock");
        lockResult.complete(LockResponse.newBuilder().setKey(ByteString.copyFromUtf8("job/123")).build());
        assertEquals(Status.Code.OK, client.status().getCode());
        assertEquals("job/123", client.received.getFirst().getKey().toStringUtf8());

        UnlockResponse unlocked = LockGrpc.newBlockingStub(fixture.channel)
                .unlock(UnlockRequest.newBuilder().setKey(ByteString.copyFromUtf8("job/123")).build());
        assertEquals(7, unlocked.getHeader().getRevision());
    }

    @Test
    void aClientGivingUpOnLockCancelsTheServersFuture() throws Exception {
        Collector<LockRequest, LockResponse> client = Collector.reading();
        LockGrpc.newStub(fixture.channel).lock(LockRequest.newBuilder().setName(ByteString.copyFromUtf8("job")).build(), client);
        await(() -> lockRequest != null, "the lock request reached the server");
        client.call.cancel("no longer needed", null);
        await(lockResult::isCancelled, "the server's lock future was cancelled");
        assertEquals(Status.Code.CANCELLED, client.status().getCode());
    }

    @Test
    void aCampaignPastItsDeadlineIsCancelledOnTheServer() throws Exception {
        Collector<CampaignRequest, CampaignResponse> client = Collector.reading();
        ElectionGrpc.newStub(fixture.channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS).campaign(
                CampaignRequest.newBuilder().setName(ByteString.copyFromUtf8("e")).setValue(ByteString.copyFromUtf8("v"))
                        .setLease(3).build(), client);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, client.status().getCode());
        await(campaignResult::isCancelled, "the server's campaign future was cancelled");
        assertEquals("e", campaignRequest.getName().toStringUtf8());
        assertEquals(3, campaignRequest.getLease());
    }

    @Test
    void electionUnaryCallsReachTheServer() {
        var election = ElectionGrpc.newBlockingStub(fixture.channel);
        campaignResult.complete(CampaignResponse.newBuilder()
                .setLeader(LeaderKey.newBuilder().setName(ByteString.copyFromUtf8("e")).setRev(5)).build());
        CampaignResponse elected = election.campaign(CampaignRequest.newBuilder().setName(ByteString.copyFromUtf8("e")).build());
        assertEquals(5, elected.getLeader().getRev());
        assertEquals(5, election.proclaim(ProclaimRequest.newBuilder().setLeader(elected.getLeader()).build())
                .getHeader().getRevision());
        assertEquals("e/me", election.leader(LeaderRequest.newBuilder().setName(ByteString.copyFromUtf8("e")).build())
                .getKv().getKey().toStringUtf8());
        StatusRuntimeException notLeader = assertThrows(StatusRuntimeException.class,
                () -> election.resign(ResignRequest.newBuilder().setLeader(elected.getLeader()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, notLeader.getStatus().getCode());
        assertEquals("etcdserver: not leader", notLeader.getStatus().getDescription());
    }

    @Test
    void observeStreamsLeadersAndEndsWithTheSession() throws Exception {
        Collector<LeaderRequest, LeaderResponse> client = Collector.reading();
        ElectionGrpc.newStub(fixture.channel).observe(LeaderRequest.newBuilder().setName(ByteString.copyFromUtf8("e")).build(), client);
        await(() -> observeRequest != null, "observe reached the server");
        observed.offer(leaderIs("e/1"));
        observed.offer(leaderIs("e/2"));
        await(() -> client.received.size() == 2, "both leaders arrived");
        observed.offer(leaderIs("e/3"));
        observed.finish(null);
        assertEquals(Status.Code.OK, client.status().getCode());
        assertEquals(java.util.List.of("e/1", "e/2", "e/3"),
                client.received.stream().map(r -> r.getKv().getKey().toStringUtf8()).toList());
        await(() -> observed.closes.get() == 1, "the session was closed");
    }

    @Test
    void observeEndsWithTheSessionsFailure() throws Exception {
        Collector<LeaderRequest, LeaderResponse> client = Collector.reading();
        ElectionGrpc.newStub(fixture.channel).observe(LeaderRequest.newBuilder().setName(ByteString.copyFromUtf8("e")).build(), client);
        await(() -> observeRequest != null, "observe reached the server");
        observed.offer(leaderIs("e/1"));
        observed.finish(EtcdError.COMPACTED.exception());
        Status status = client.status();
        assertEquals(Status.Code.OUT_OF_RANGE, status.getCode());
        assertEquals(1, client.received.size(), "the leader before the failure was delivered");
        await(() -> observed.closes.get() == 1, "the session was closed");
    }

    @Test
    void aClientLeavingObserveClosesTheSession() throws Exception {
        Collector<LeaderRequest, LeaderResponse> client = Collector.reading();
        ElectionGrpc.newStub(fixture.channel).observe(LeaderRequest.newBuilder().setName(ByteString.copyFromUtf8("e")).build(), client);
        await(() -> observeRequest != null, "observe reached the server");
        observed.offer(leaderIs("e/1"));
        await(() -> client.received.size() == 1, "the leader arrived");
        client.call.cancel("bye", null);
        await(() -> observed.closes.get() == 1, "the session was closed");
        assertTrue(client.status().getCode() == Status.Code.CANCELLED);
    }
}
