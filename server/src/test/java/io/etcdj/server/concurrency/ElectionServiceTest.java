package io.etcdj.server.concurrency;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.concurrency.InProcessServer.CTX;
import static io.etcdj.server.concurrency.InProcessServer.eventually;
import static io.etcdj.server.concurrency.InProcessServer.failureOf;
import static io.etcdj.server.concurrency.InProcessServer.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3electionpb.CampaignRequest;
import io.etcdj.api.v3electionpb.CampaignResponse;
import io.etcdj.api.v3electionpb.LeaderKey;
import io.etcdj.api.v3electionpb.LeaderRequest;
import io.etcdj.api.v3electionpb.LeaderResponse;
import io.etcdj.api.v3electionpb.ProclaimRequest;
import io.etcdj.api.v3electionpb.ResignRequest;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.StatusCode;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v3election service's unary calls against a real in-process member. */
class ElectionServiceTest {
    @TempDir
    static Path dir;
    static InProcessServer etcd;
    static ElectionService elections;

    @BeforeAll
    static void start() throws Exception {
        etcd = new InProcessServer(dir);
        elections = new ElectionService(etcd.api, etcd.executor);
    }

    @AfterEach
    void everyWatchIsClosed() throws InterruptedException {
        eventually("every watch session the service opened is closed", () -> etcd.openWatches() == 0);
    }

    @AfterAll
    static void stop() {
        elections.close();
        etcd.close();
    }

    static CompletableFuture<CampaignResponse> campaign(ElectionService service, String name, long lease, String value) {
        return service.campaign(CampaignRequest.newBuilder().setName(bytes(name)).setLease(lease).setValue(bytes(value))
                .build(), CTX);
    }

    private static CompletableFuture<CampaignResponse> campaign(String name, long lease, String value) {
        return campaign(elections, name, lease, value);
    }

    private static CompletableFuture<LeaderResponse> leader(String name) {
        return elections.leader(LeaderRequest.newBuilder().setName(bytes(name)).build(), CTX);
    }

    private static CompletableFuture<?> proclaim(LeaderKey leader, String value) {
        return elections.proclaim(ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes(value)).build(), CTX);
    }

    static void resign(ElectionService service, LeaderKey leader) {
        await(service.resign(ResignRequest.newBuilder().setLeader(leader).build(), CTX));
    }

    private static void queued(String name, long lease) throws InterruptedException {
        eventually(name + "/" + hex(lease) + " queued", () -> etcd.get(bytes(name + "/" + hex(lease))) != null);
    }

    /** A full campaign and resign in another election: the server and the service have moved on meanwhile. */
    private static void settle() {
        resign(elections, await(campaign("settle", etcd.grant(60), "x")).getLeader());
    }

    private static void assertEtcdUnknown(String message, EtcdException e) {
        assertEquals(StatusCode.UNKNOWN, e.code(), "etcd's election service answers code Unknown");
        assertEquals(message, e.getMessage());
    }

    @Test
    void campaignLeaderProclaimResign() {
        long lease = etcd.grant(60);
        CampaignResponse won = await(campaign("basic", lease, "v1"));
        LeaderKey leader = won.getLeader();
        assertEquals("basic", leader.getName().toStringUtf8());
        assertEquals("basic/" + hex(lease), leader.getKey().toStringUtf8());
        assertEquals(lease, leader.getLease());
        assertEquals(won.getHeader().getRevision(), leader.getRev(), "the key's create revision");

        LeaderResponse current = await(leader("basic"));
        assertEquals("v1", current.getKv().getValue().toStringUtf8());
        assertEquals(leader.getKey(), current.getKv().getKey());
        assertEquals(lease, current.getKv().getLease());

        var proclaimed = await(elections.proclaim(ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes("v2"))
                .build(), CTX));
        KeyValue kv = await(leader("basic")).getKv();
        assertEquals("v2", kv.getValue().toStringUtf8());
        assertEquals(proclaimed.getHeader().getRevision(), kv.getModRevision());
        assertEquals(leader.getRev(), kv.getCreateRevision());

        LeaderKey stale = leader.toBuilder().setRev(leader.getRev() + 1000).build();
        assertEtcdUnknown(Failures.ELECTION_NOT_LEADER, failureOf(proclaim(stale, "v3")));
        resign(elections, stale);  // not the leader's revision: succeeds and changes nothing
        assertEquals("v2", await(leader("basic")).getKv().getValue().toStringUtf8());

        resign(elections, leader);
        assertNull(etcd.get(leader.getKey()));
        assertEtcdUnknown(Failures.ELECTION_NO_LEADER, failureOf(leader("basic")));
        assertEtcdUnknown(Failures.ELECTION_NOT_LEADER, failureOf(proclaim(leader, "v3")));
    }

    @Test
    void proclaimAndResignWithoutLeaderAreRefusedAsEtcdDoes() {
        assertEtcdUnknown(Failures.MISSING_LEADER_KEY,
                failureOf(elections.proclaim(ProclaimRequest.newBuilder().setValue(bytes("v")).build(), CTX)));
        assertEtcdUnknown(Failures.MISSING_LEADER_KEY,
                failureOf(elections.resign(ResignRequest.getDefaultInstance(), CTX)));
    }

    @Test
    void aWaitingCandidateLeadsWhenTheLeaderResigns() throws Exception {
        long first = etcd.grant(60);
        long second = etcd.grant(60);
        CampaignResponse leading = await(campaign("resigning", first, "one"));
        CompletableFuture<CampaignResponse> waiting = campaign("resigning", second, "two");
        queued("resigning", second);
        settle();
        assertFalse(waiting.isDone(), "a candidate waits while an older one leads");
        assertEquals("one", await(leader("resigning")).getKv().getValue().toStringUtf8());

        resign(elections, leading.getLeader());
        CampaignResponse won = await(waiting);
        assertEquals("resigning/" + hex(second), won.getLeader().getKey().toStringUtf8());
        assertEquals(won.getHeader().getRevision(), won.getLeader().getRev(),
                "etcd answers with the header of the queueing transaction");
        assertEquals("two", await(leader("resigning")).getKv().getValue().toStringUtf8());
        resign(elections, won.getLeader());
    }

    @Test
    void aWaitingCandidateLeadsWhenTheLeadersLeaseIsRevoked() throws Exception {
        long first = etcd.grant(60);
        long second = etcd.grant(60);
        await(campaign("revoked", first, "one"));
        CompletableFuture<CampaignResponse> waiting = campaign("revoked", second, "two");
        queued("revoked", second);

        etcd.revoke(first);
        CampaignResponse won = await(waiting);
        assertEquals(second, won.getLeader().getLease());
        assertEquals("two", await(leader("revoked")).getKv().getValue().toStringUtf8());
        resign(elections, won.getLeader());
    }

    @Test
    void campaigningAgainWithAnotherValueProclaimsIt() {
        long lease = etcd.grant(60);
        CampaignResponse first = await(campaign("again", lease, "old"));
        CampaignResponse again = await(campaign("again", lease, "new"));
        assertEquals(first.getLeader(), again.getLeader(), "same key, same create revision");
        KeyValue kv = await(leader("again")).getKv();
        assertEquals("new", kv.getValue().toStringUtf8());
        assertEquals(2, kv.getVersion());
        resign(elections, again.getLeader());
    }

    @Test
    void aCandidateWhoseLeaseIsRevokedWhileWaitingIsNotToldItLeads() throws Exception {
        long leaderLease = etcd.grant(60);
        long candidate = etcd.grant(60);
        CampaignResponse leading = await(campaign("lost", leaderLease, "one"));
        CompletableFuture<CampaignResponse> waiting = campaign("lost", candidate, "two");
        queued("lost", candidate);
        etcd.revoke(candidate);
        resign(elections, leading.getLeader());
        assertEtcdUnknown(Failures.ELECTION_NOT_LEADER, failureOf(waiting));
    }

    @Test
    void aCancelledCandidateResignsAndNoLongerBlocksOthers() throws Exception {
        long leaderLease = etcd.grant(60);
        long leaving = etcd.grant(60);
        long staying = etcd.grant(60);
        CampaignResponse leading = await(campaign("cancel", leaderLease, "one"));
        CompletableFuture<CampaignResponse> gone = campaign("cancel", leaving, "two");
        queued("cancel", leaving);
        CompletableFuture<CampaignResponse> next = campaign("cancel", staying, "three");
        queued("cancel", staying);

        assertTrue(gone.cancel(true));
        eventually("the cancelled candidate's key is deleted", () -> etcd.get(bytes("cancel/" + hex(leaving))) == null);
        resign(elections, leading.getLeader());
        LeaderKey nextLeader = await(next).getLeader();
        assertEquals("cancel/" + hex(staying), nextLeader.getKey().toStringUtf8());
        assertEquals("three", await(leader("cancel")).getKv().getValue().toStringUtf8());
        resign(elections, nextLeader);
        assertTrue(etcd.under("cancel/").isEmpty());
    }

    @Test
    void aCampaignOnAnUnknownLeaseFailsAsEtcdDoes() {
        assertEtcdUnknown("etcdserver: requested lease not found", failureOf(campaign("nolease", 0x7777, "v")));
        assertTrue(etcd.under("nolease/").isEmpty());
    }
}
