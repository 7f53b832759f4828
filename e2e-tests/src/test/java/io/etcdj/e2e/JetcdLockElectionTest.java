package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.await;
import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.election.NoLeaderException;
import io.etcd.jetcd.election.NotLeaderException;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * etcd's server-side Lock ({@code v3lockpb.Lock}) and Election ({@code v3electionpb.Election}) services
 * through jetcd. The server builds them on the same recipe as etcdctl: the lock or candidacy is the key
 * {@code <name>/<lease ID in lower-case hex, not padded>} under the caller's lease; the oldest key
 * (lowest create revision) holds the lock or leads. Errors of the election service reach the client as
 * status UNKNOWN with the texts {@code election: no leader} and {@code election: not leader}.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class JetcdLockElectionTest {

    /** Long enough to show that a waiter is still waiting; an absence, never a speed. */
    private static final Duration STILL_WAITING = Duration.ofSeconds(1);

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Client client;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("jlock", variant);
        client = Jetcd.client(server);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void lockIsGrantedInTurnAndUnlockHandsItOver() throws Exception {
        Lock lock = client.getLockClient();
        long first = grant(60);
        long second = grant(60);
        ByteSequence name = bytes("jl/lock");

        LockResponse held = await(lock.lock(name, first));
        assertEquals("jl/lock/" + Long.toHexString(first), text(held.getKey()));
        KeyValue lockKey = await(client.getKVClient().get(held.getKey())).getKvs().get(0);
        assertEquals(first, lockKey.getLease());
        assertEquals("", text(lockKey.getValue()));
        assertEquals(lockKey.getCreateRevision(), held.getHeader().getRevision(),
                "the response header is that of the transaction that created the key");

        CompletableFuture<LockResponse> waiting = lock.lock(name, second);
        assertStillWaiting(waiting);
        assertEquals(2, await(client.getKVClient().get(name, GetOption.builder().isPrefix(true).build())).getCount());

        await(lock.unlock(held.getKey()));
        LockResponse next = await(waiting);
        assertEquals("jl/lock/" + Long.toHexString(second), text(next.getKey()));
        await(lock.unlock(next.getKey()));
        assertEquals(0, await(client.getKVClient().get(name, GetOption.builder().isPrefix(true).build())).getCount());
        assertTrue(await(client.getLeaseClient().timeToLive(first, LeaseOption.DEFAULT)).getTTL() > 0,
                "unlocking deletes the key, not the lease");
    }

    @Test
    void revokingTheHoldersLeaseReleasesTheLock() throws Exception {
        Lock lock = client.getLockClient();
        long holder = grant(60);
        long waiter = grant(60);
        ByteSequence name = bytes("jl/revoked");
        await(lock.lock(name, holder));
        CompletableFuture<LockResponse> waiting = lock.lock(name, waiter);
        assertStillWaiting(waiting);
        await(client.getLeaseClient().revoke(holder));
        assertEquals("jl/revoked/" + Long.toHexString(waiter), text(await(waiting).getKey()));
        await(client.getLeaseClient().revoke(waiter));
    }

    @Test
    void lockWithAnUnknownLeaseFails() {
        Status status = Jetcd.failure(() -> client.getLockClient().lock(bytes("jl/nolease"), 0x7777));
        // The lock service is itself a client of the KV API: the KV error reaches the caller as UNKNOWN.
        assertEquals("etcdserver: requested lease not found", status.getDescription());
        assertEquals(Status.Code.UNKNOWN, status.getCode());
        assertEquals(0, await(client.getKVClient().get(bytes("jl/nolease"),
                GetOption.builder().isPrefix(true).build())).getCount());
    }

    @Test
    void campaignLeaderProclaimAndResign() throws Exception {
        Election election = client.getElectionClient();
        ByteSequence name = bytes("je/election");
        long lease = grant(60);

        LeaderKey leader = await(election.campaign(name, lease, bytes("first"))).getLeader();
        assertEquals("je/election", text(leader.getName()));
        assertEquals("je/election/" + Long.toHexString(lease), text(leader.getKey()));
        assertEquals(lease, leader.getLease());
        KeyValue current = await(election.leader(name)).getKv();
        assertEquals(text(leader.getKey()), text(current.getKey()));
        assertEquals("first", text(current.getValue()));
        assertEquals(leader.getRevision(), current.getCreateRevision());

        await(election.proclaim(leader, bytes("second")));
        KeyValue proclaimed = await(election.leader(name)).getKv();
        assertEquals("second", text(proclaimed.getValue()));
        assertEquals(2, proclaimed.getVersion());

        long otherLease = grant(60);
        CompletableFuture<CampaignResponse> challenger =
                election.campaign(name, otherLease, bytes("challenger"));
        assertStillWaiting(challenger);
        assertEquals("second", text(await(election.leader(name)).getKv().getValue()), "the leader stays");

        await(election.resign(leader));
        LeaderKey next = await(challenger).getLeader();
        assertEquals("je/election/" + Long.toHexString(otherLease), text(next.getKey()));
        assertEquals("challenger", text(await(election.leader(name)).getKv().getValue()));

        ExecutionException notLeader = assertThrows(ExecutionException.class,
                () -> election.proclaim(leader, bytes("stale")).get(30, TimeUnit.SECONDS));
        assertInstanceOf(NotLeaderException.class, notLeader.getCause(), "proclaiming with a resigned key");

        await(election.resign(next));
        ExecutionException noLeader = assertThrows(ExecutionException.class,
                () -> election.leader(name).get(30, TimeUnit.SECONDS));
        assertInstanceOf(NoLeaderException.class, noLeader.getCause());
    }

    @Test
    void noLeaderIsStatusUnknownWithEtcdsText() {
        ManagedChannel channel = Grpc.channel(server);
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> ElectionGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .leader(LeaderRequest.newBuilder().setName(ByteString.copyFromUtf8("je/nobody")).build()));
            assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
            assertEquals("election: no leader", e.getStatus().getDescription());
        } finally {
            Grpc.close(channel);
        }
    }

    @Test
    void observeStreamsEveryLeaderChange() throws Exception {
        Election election = client.getElectionClient();
        ByteSequence name = bytes("je/observed");
        long lease = grant(60);
        LeaderKey leader = await(election.campaign(name, lease, bytes("v1"))).getLeader();

        LinkedBlockingQueue<LeaderResponse> seen = new LinkedBlockingQueue<>();
        election.observe(name, new Election.Listener() {
            @Override
            public void onNext(LeaderResponse response) {
                seen.add(response);
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onCompleted() {
            }
        });
        assertEquals("v1", text(poll(seen).getKv().getValue()), "observe starts with the current leader");
        await(election.proclaim(leader, bytes("v2")));
        assertEquals("v2", text(poll(seen).getKv().getValue()), "a proclamation is a new leader value");

        long nextLease = grant(60);
        CompletableFuture<CampaignResponse> next = election.campaign(name, nextLease, bytes("v3"));
        assertStillWaiting(next);
        await(client.getLeaseClient().revoke(lease));
        await(next);
        LeaderResponse changed = poll(seen);
        assertEquals("v3", text(changed.getKv().getValue()));
        assertEquals("je/observed/" + Long.toHexString(nextLease), text(changed.getKv().getKey()));
        assertTrue(seen.isEmpty(), "one response per change: " + seen);
    }

    private static long grant(long ttl) {
        Lease lease = client.getLeaseClient();
        return await(lease.grant(ttl)).getID();
    }

    private static LeaderResponse poll(LinkedBlockingQueue<LeaderResponse> queue) throws InterruptedException {
        LeaderResponse response = queue.poll(20, TimeUnit.SECONDS);
        assertTrue(response != null, "no leader response within 20 s");
        return response;
    }

    private static void assertStillWaiting(CompletableFuture<?> future) throws Exception {
        assertThrows(TimeoutException.class, () -> future.get(STILL_WAITING.toMillis(), TimeUnit.MILLISECONDS));
        assertFalse(future.isDone());
    }
}
