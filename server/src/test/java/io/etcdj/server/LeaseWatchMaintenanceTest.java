package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.get;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.etcdserverpb.*;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.SnapshotStream;
import io.etcdj.spi.server.WatchSession;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases, watches, alarms and snapshots through the server facade, in process. */
class LeaseWatchMaintenanceTest {
    private static final RequestContext CTX = RequestContext.NONE;

    @TempDir
    Path dir;

    private static List<WatchResponse> drain(WatchSession session, int wanted, long timeoutSeconds) throws InterruptedException {
        List<WatchResponse> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (out.size() < wanted && System.nanoTime() < deadline) {
            WatchResponse r = session.poll();
            if (r == null) {
                Thread.sleep(5);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static List<Event> events(List<WatchResponse> responses) {
        List<Event> out = new ArrayList<>();
        responses.forEach(r -> out.addAll(r.getEventsList()));
        return out;
    }

    @Test
    void aLeasedKeyVanishesWhenItsLeaseExpiresAndAWatcherSeesTheDelete() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server();
             WatchSession watch = server.watch(CTX)) {
            watch.handle(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(bytes("svc/")).setRangeEnd(bytes("svc0"))).build());
            assertTrue(drain(watch, 1, 10).get(0).getCreated());

            LeaseGrantResponse lease = await(server.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(2).build(), CTX));
            assertTrue(lease.getID() > 0, "the server picks a positive ID");
            assertEquals(2, lease.getTTL());
            await(server.put(PutRequest.newBuilder().setKey(bytes("svc/a")).setValue(bytes("1"))
                    .setLease(lease.getID()).build(), CTX));
            LeaseTimeToLiveResponse ttl = await(server.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
                    .setID(lease.getID()).setKeys(true).build(), CTX));
            assertEquals(2, ttl.getGrantedTTL());
            assertEquals(List.of(bytes("svc/a")), ttl.getKeysList());
            assertEquals(List.of(lease.getID()), await(server.leaseLeases(LeaseLeasesRequest.getDefaultInstance(), CTX))
                    .getLeasesList().stream().map(LeaseStatus::getID).toList());

            // Without keep-alives the lease expires (2 s, plus the election timeout granted to a new leader).
            List<Event> seen = events(drain(watch, 3, 20));
            assertEquals(2, seen.size(), "a PUT then a DELETE: " + seen);
            assertEquals(Event.EventType.PUT, seen.get(0).getType());
            assertEquals(Event.EventType.DELETE, seen.get(1).getType());
            assertNull(get(server, "svc/a"));
            assertEquals(-1, await(server.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease.getID())
                    .build(), CTX)).getTTL(), "an unknown lease answers TTL -1, as etcd");
            assertEquals(EtcdError.LEASE_NOT_FOUND, errorOf(server.put(PutRequest.newBuilder().setKey(bytes("x"))
                    .setLease(lease.getID()).build(), CTX)));
        }
    }

    @Test
    void keepAliveKeepsALeaseAndRevokeDeletesItsKeysInOneRevision() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "lmdb").config()).server()) {
            long id = await(server.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1234).setTTL(2).build(), CTX)).getID();
            assertEquals(0x1234, id);
            assertEquals(EtcdError.LEASE_EXIST, errorOf(server.leaseGrant(
                    LeaseGrantRequest.newBuilder().setID(0x1234).setTTL(5).build(), CTX)));
            put(server, "a", "1");
            for (String k : new String[] {"l/1", "l/2", "l/3"}) {
                await(server.put(PutRequest.newBuilder().setKey(bytes(k)).setValue(bytes("v")).setLease(id).build(), CTX));
            }
            long before = put(server, "b", "2").getHeader().getRevision();
            // Keep it alive past several TTLs.
            for (int i = 0; i < 8; i++) {
                LeaseKeepAliveResponse ka = await(server.leaseKeepAlive(LeaseKeepAliveRequest.newBuilder().setID(id).build(), CTX));
                assertEquals(2, ka.getTTL());
                Thread.sleep(500);
            }
            assertNotNull(get(server, "l/1"), "a kept-alive lease does not expire");
            LeaseRevokeResponse revoked = await(server.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build(), CTX));
            assertEquals(before + 1, revoked.getHeader().getRevision(), "three deletes, one revision");
            for (String k : new String[] {"l/1", "l/2", "l/3"}) {
                assertNull(get(server, k));
            }
            assertEquals(EtcdError.LEASE_NOT_FOUND, errorOf(server.leaseKeepAlive(
                    LeaseKeepAliveRequest.newBuilder().setID(id).build(), CTX)));
            assertEquals(EtcdError.LEASE_NOT_FOUND, errorOf(server.leaseRevoke(
                    LeaseRevokeRequest.newBuilder().setID(id).build(), CTX)));
        }
    }

    @Test
    void leasesSurviveARestartAndStillExpire() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks");
        long id;
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            id = await(server.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(3).build(), CTX)).getID();
            await(server.put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("v")).setLease(id).build(), CTX));
        }
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            LeaseTimeToLiveResponse ttl = await(server.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id)
                    .setKeys(true).build(), CTX));
            assertEquals(3, ttl.getGrantedTTL());
            assertEquals(List.of(bytes("k")), ttl.getKeysList());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (get(server, "k") != null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertNull(get(server, "k"), "the lease expired after the restart and took its key");
        }
    }

    @Test
    void watchReplaysHistoryAndIsCanceledAtACompactedRevision() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server()) {
            long first = put(server, "w", "1").getHeader().getRevision();
            put(server, "w", "2");
            long third = put(server, "w", "3").getHeader().getRevision();
            try (WatchSession watch = server.watch(CTX)) {
                watch.handle(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(bytes("w")).setStartRevision(first).setPrevKv(true)).build());
                List<Event> seen = events(drain(watch, 2, 10));
                assertEquals(List.of("1", "2", "3"), seen.stream().map(e -> e.getKv().getValue().toStringUtf8()).toList());
                assertEquals("1", seen.get(1).getPrevKv().getValue().toStringUtf8());
            }
            await(server.compact(CompactionRequest.newBuilder().setRevision(third).build(), CTX));
            try (WatchSession watch = server.watch(CTX)) {
                watch.handle(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(bytes("w")).setStartRevision(first)).build());
                List<WatchResponse> rs = drain(watch, 2, 10);
                WatchResponse canceled = rs.get(rs.size() - 1);
                assertTrue(canceled.getCanceled(), rs.toString());
                assertEquals(third, canceled.getCompactRevision());
            }
        }
    }

    @Test
    void overTheQuotaRaisesNospaceAllowingOnlyReadsAndDeletesUntilDisarmed() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "lmdb", "--quota-backend-bytes=2000000")
                .config()).server()) {
            byte[] value = new byte[100_000];
            EtcdError error = null;
            for (int i = 0; i < 200 && error == null; i++) {
                var f = server.put(PutRequest.newBuilder().setKey(bytes("big/" + i))
                        .setValue(com.google.protobuf.ByteString.copyFrom(value)).build(), CTX);
                try {
                    await(f);
                } catch (AssertionError e) {
                    error = errorOf(f);
                }
            }
            assertEquals(EtcdError.NO_SPACE, error, "the quota was never reached");
            AlarmResponse alarms = await(server.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET)
                    .build(), CTX));
            assertEquals(1, alarms.getAlarmsCount());
            assertEquals(AlarmType.NOSPACE, alarms.getAlarms(0).getAlarm());
            assertEquals(EtcdError.NO_SPACE, errorOf(server.put(PutRequest.newBuilder().setKey(bytes("small"))
                    .setValue(bytes("x")).build(), CTX)));
            assertFalse(await(server.status(StatusRequest.getDefaultInstance(), CTX)).getErrorsList().isEmpty());
            // Maintenance mode: reads and deletes work.
            assertNotNull(get(server, "big/0"));
            await(server.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("big/")).setRangeEnd(bytes("big0"))
                    .build(), CTX));
            await(server.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                    .setMemberID(alarms.getAlarms(0).getMemberID()).setAlarm(AlarmType.NOSPACE).build(), CTX));
            assertEquals(0, await(server.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET)
                    .build(), CTX)).getAlarmsCount());
            put(server, "small", "x");
        }
    }

    @Test
    void snapshotStreamsEveryBucketEndingWithItsSha256() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server()) {
            for (int i = 0; i < 100; i++) {
                put(server, "s/" + i, "v" + i);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            long total;
            try (SnapshotStream snap = await(server.snapshot(SnapshotRequest.getDefaultInstance(), CTX))) {
                total = snap.remainingBytes();
                byte[] chunk;
                while ((chunk = snap.next(32 * 1024)).length > 0) {
                    all.write(chunk);
                }
                assertEquals(0, snap.remainingBytes());
            }
            byte[] bytes = all.toByteArray();
            assertEquals(total, bytes.length);
            byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
            byte[] sum = Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), sum);
            assertTrue(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).contains("v99"));
            HashKVResponse h1 = await(server.hashKV(HashKVRequest.getDefaultInstance(), CTX));
            HashKVResponse h2 = await(server.hashKV(HashKVRequest.getDefaultInstance(), CTX));
            assertEquals(h1.getHash(), h2.getHash());
            put(server, "s/x", "changed");
            assertNotEquals(h1.getHash(), await(server.hashKV(HashKVRequest.getDefaultInstance(), CTX)).getHash());
            await(server.defragment(DefragmentRequest.getDefaultInstance(), CTX));
            assertEquals("v5", get(server, "s/5").getValue().toStringUtf8());
        }
    }
}
