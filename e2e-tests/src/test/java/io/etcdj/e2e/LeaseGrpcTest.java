package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.await;
import static io.etcdj.e2e.Jetcd.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Lease service on the wire (raw gRPC stubs) and through jetcd, as etcd 3.4.23 answers:
 * a client may choose the lease ID (a second grant with it fails with FAILED_PRECONDITION
 * {@code etcdserver: lease already exists}); a TTL above 9,000,000,000 fails with OUT_OF_RANGE
 * {@code etcdserver: too large lease TTL}; revoking an unknown lease fails with NOT_FOUND
 * {@code etcdserver: requested lease not found}, but time-to-live answers TTL -1 and keep-alive answers
 * TTL 0 instead of failing.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class LeaseGrpcTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static ManagedChannel channel;
    private static Client client;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("lease-grpc", variant);
        channel = Grpc.channel(server);
        client = Jetcd.client(server);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (client != null) {
            client.close();
            client = null;
        }
        Grpc.close(channel);
        channel = null;
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void aClientMayChooseTheLeaseIdOnce() {
        LeaseGrantResponse granted = lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1234).setTTL(60).build());
        assertEquals(0x1234, granted.getID());
        assertEquals(60, granted.getTTL());
        assertEquals("", granted.getError());
        assertTrue(granted.getHeader().getRevision() > 0);

        StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class,
                () -> lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1234).setTTL(60).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, duplicate.getStatus().getCode());
        assertEquals("etcdserver: lease already exists", duplicate.getStatus().getDescription());

        LeaseTimeToLiveResponse ttl = lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(0x1234).build());
        assertEquals(60, ttl.getGrantedTTL());
        lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x1234).build());
    }

    @Test
    void grantRaisesShortTtlsAndRefusesHugeOnes() {
        assertEquals(2, lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(1).build()).getTTL());
        assertEquals(2, lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(0).build()).getTTL());
        assertEquals(9_000_000_000L,
                lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(9_000_000_000L).build()).getTTL());
        StatusRuntimeException tooLarge = assertThrows(StatusRuntimeException.class,
                () -> lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, tooLarge.getStatus().getCode());
        assertEquals("etcdserver: too large lease TTL", tooLarge.getStatus().getDescription());
    }

    @Test
    void unknownLeases() {
        StatusRuntimeException revoke = assertThrows(StatusRuntimeException.class,
                () -> lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x4321).build()));
        assertEquals(Status.Code.NOT_FOUND, revoke.getStatus().getCode());
        assertEquals("etcdserver: requested lease not found", revoke.getStatus().getDescription());

        LeaseTimeToLiveResponse ttl = lease().leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(0x4321).setKeys(true).build());
        assertEquals(0x4321, ttl.getID());
        assertEquals(-1, ttl.getTTL());
        assertEquals(0, ttl.getGrantedTTL());
        assertEquals(0, ttl.getKeysCount());
        assertTrue(ttl.getHeader().getRevision() > 0, "the header is filled in");

        Status put = Jetcd.failure(() -> client.getKVClient().put(bytes("lg/k"), bytes("v"),
                PutOption.builder().withLeaseId(0x4321).build()));
        assertEquals(Status.Code.NOT_FOUND, put.getCode());
        assertEquals("etcdserver: requested lease not found", put.getDescription());
    }

    @Test
    void keepAliveStreamAnswersEveryRequestAndTtlZeroForUnknownLeases() throws InterruptedException {
        long id = lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID();
        LinkedBlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel).leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                answers.add(response);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        try {
            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
            LeaseKeepAliveResponse renewed = answers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(renewed != null, "no keep-alive answer");
            assertEquals(id, renewed.getID());
            assertEquals(30, renewed.getTTL(), "a renewal answers the granted TTL");
            assertTrue(renewed.getHeader().getRevision() > 0);

            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(0x9999).build());
            LeaseKeepAliveResponse unknown = answers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(unknown != null, "no keep-alive answer for the unknown lease");
            assertEquals(0x9999, unknown.getID());
            assertEquals(0, unknown.getTTL(), "an unknown lease is TTL 0, not an error; the stream stays open");

            lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
            LeaseKeepAliveResponse revoked = answers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(revoked != null);
            assertEquals(0, revoked.getTTL());
        } finally {
            requests.onCompleted();
        }
    }

    @Test
    void jetcdKeepAliveKeepsAShortLeaseAliveUntilClosed() throws InterruptedException {
        var leases = client.getLeaseClient();
        long id = await(leases.grant(2)).getID();
        await(client.getKVClient().put(bytes("lg/kept"), bytes("v"), PutOption.builder().withLeaseId(id).build()));
        LinkedBlockingQueue<io.etcd.jetcd.lease.LeaseKeepAliveResponse> renewals = new LinkedBlockingQueue<>();
        CloseableClient keepAlive = leases.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(io.etcd.jetcd.lease.LeaseKeepAliveResponse response) {
                renewals.add(response);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        try {
            // jetcd renews every TTL/3; four renewals of a 2 s lease take longer than the TTL.
            for (int i = 0; i < 4; i++) {
                io.etcd.jetcd.lease.LeaseKeepAliveResponse renewal = renewals.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(renewal != null, "renewal " + i + " did not come");
                assertEquals(id, renewal.getID());
                assertEquals(2, renewal.getTTL());
            }
            var ttl = await(leases.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()));
            assertEquals(2, ttl.getGrantedTTL());
            assertTrue(ttl.getTTL() >= 0 && ttl.getTTL() <= 2, "remaining " + ttl.getTTL());
            assertEquals(List.of("lg/kept"), ttl.getKeys().stream().map(Jetcd::text).toList());
        } finally {
            keepAlive.close();
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (await(client.getKVClient().get(bytes("lg/kept"))).getCount() > 0) {
            assertTrue(System.nanoTime() < deadline, "the key outlived its lease");
            Thread.sleep(100);
        }
        assertEquals(-1, await(leases.timeToLive(id, LeaseOption.DEFAULT)).getTTL());
    }

    @Test
    void jetcdKeepAliveOnceAndRevoke() {
        var leases = client.getLeaseClient();
        long id = await(leases.grant(60)).getID();
        await(client.getKVClient().put(bytes("lg/once"), bytes("v"), PutOption.builder().withLeaseId(id).build()));
        var once = await(leases.keepAliveOnce(id));
        assertEquals(id, once.getID());
        assertEquals(60, once.getTTL());
        long before = await(client.getKVClient().get(bytes("lg/once"))).getHeader().getRevision();
        long revoked = await(leases.revoke(id)).getHeader().getRevision();
        assertEquals(before + 1, revoked, "revoking a lease with keys deletes them in one new revision");
        assertEquals(0, await(client.getKVClient().get(bytes("lg/once"))).getCount());

        long empty = await(leases.grant(60)).getID();
        assertEquals(revoked, await(leases.revoke(empty)).getHeader().getRevision(),
                "revoking a lease without keys takes no revision");
    }

    private static LeaseGrpc.LeaseBlockingStub lease() {
        return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
