package io.etcdj.server;

import static io.etcdj.server.TestCluster.awaitTrue;
import static io.etcdj.server.TestCluster.serializableValue;
import static io.etcdj.server.TestMembers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.HashKVRequest;
import io.etcdj.api.etcdserverpb.LeaseGrantRequest;
import io.etcdj.api.etcdserverpb.LeaseLeasesRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.serverpb.V2Request;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.V2Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member that was down while the others compacted their log past it gets the leader's backend
 * as a snapshot, streamed by the peer transport, and installs it: keys, leases, membership and the
 * v2 store equal the leader's, and it goes on applying the log from there, also after a restart.
 */
class SnapshotInstallTest {
    private static final List<Integer> ALL = List.of(0, 1, 2);

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMemberBehindTheCompactedLogInstallsTheLeadersSnapshot() throws Exception {
        cluster = new TestCluster(dir, "rocks", "--snapshot-count=200");
        cluster.startNew(3);
        int leader = cluster.awaitLeader(ALL);
        int behind = (leader + 1) % 3;
        int other = 3 - leader - behind;
        cluster.stop(behind);

        EtcdServer l = cluster.server(leader);
        long lease = await(l.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x77).setTTL(600).build(),
                RequestContext.NONE)).getID();
        V2Answer.Result v2 = (V2Answer.Result) await(l.v2(V2Request.newBuilder().setMethod("PUT").setPath("/1/v2key")
                .setVal("v2value").build(), RequestContext.NONE));
        assertEquals(201, v2.status());
        // More than the 5,000 entries kept behind a snapshot, so the member cannot catch up from the log.
        int writes = 5_600;
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            inFlight.acquire();
            all.add(l.put(PutRequest.newBuilder().setKey(TestMembers.bytes("k" + (i % 500)))
                            .setValue(TestMembers.bytes("v" + i)).setLease(i % 500 == 0 ? lease : 0).build(),
                    RequestContext.NONE).whenComplete((r, e) -> inFlight.release()));
        }
        await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));

        EtcdServer back = cluster.start(behind, ALL, "new");
        long revision = TestMembers.put(l, "last", "after-snapshot").getHeader().getRevision();
        awaitTrue("the member behind caught up", () -> "after-snapshot".equals(serializableValue(back, "last")));
        assertEquals(hash(l, revision), hash(back, revision), "same data as the leader");
        assertEquals(hash(cluster.server(other), revision), hash(back, revision));
        assertTrue(await(back.leaseLeases(LeaseLeasesRequest.getDefaultInstance(), RequestContext.NONE)).getLeasesList()
                .stream().anyMatch(s -> s.getID() == lease), "the leases came with the snapshot");
        V2Answer.Result v2Read = (V2Answer.Result) await(back.v2(V2Request.newBuilder().setMethod("GET")
                .setPath("/1/v2key").build(), RequestContext.NONE));
        assertEquals(200, v2Read.status(), "the v2 store came with the snapshot");
        try (var files = Files.list(dir.resolve("m" + behind).resolve("member").resolve("snap"))) {
            assertEquals(0, files.count(), "the received snapshot file is gone once installed");
        }

        // After a restart the member starts from the installed snapshot.
        cluster.stop(behind);
        EtcdServer again = cluster.start(behind, ALL, "new");
        long after = TestMembers.put(l, "later", "v").getHeader().getRevision();
        awaitTrue("applies after restart", () -> "v".equals(serializableValue(again, "later")));
        assertEquals(hash(l, after), hash(again, after));
    }

    private static int hash(EtcdServer s, long revision) {
        return await(s.hashKV(HashKVRequest.newBuilder().setRevision(revision).build(), RequestContext.NONE)).getHash();
    }
}
