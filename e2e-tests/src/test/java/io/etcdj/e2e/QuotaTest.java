package io.etcdj.e2e;

import static io.etcdj.e2e.Json.arr;
import static io.etcdj.e2e.Json.asObject;
import static io.etcdj.e2e.Json.integer;
import static io.etcdj.e2e.Json.lng;
import static io.etcdj.e2e.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.grpc.Status;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend quota ({@code --quota-backend-bytes}) and the NOSPACE alarm, with etcd 3.4.23's behaviour:
 * a put or transaction with a put that would take the database to the quota is refused with
 * {@code etcdserver: mvcc: database space exceeded} (gRPC RESOURCE_EXHAUSTED) and raises the NOSPACE
 * alarm; while the alarm is raised every put, transaction with a put and lease grant is refused, while
 * reads and deletes work. etcd enforces no minimum quota (a quota of 1 byte refuses the first put). The
 * documented recovery is: delete, compact, defragment, disarm.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class QuotaTest {

    private static final int QUOTA = 256 * 1024;
    private static final int VALUE_BYTES = 6 * 1024;
    /** Many times what the quota holds, so that a quota that is not enforced fails the test, not hangs it. */
    private static final int MAX_PUTS = 20 * QUOTA / VALUE_BYTES;
    private static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";

    @Parameter
    ServerVariant variant;

    private EtcdProcess server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void exceedingTheQuotaRaisesNospaceAndTheDocumentedRecoveryClearsIt() {
        server = EtcdProcess.builder("quota").args(variant.extraArgs())
                .args(List.of("--quota-backend-bytes=" + QUOTA)).start();
        Etcdctl ctl = server.etcdctl();
        BigInteger memberId = integer(obj(asObject(Json.arrayOf(ctl.ok("endpoint", "status", "-w", "json")).get(0)),
                "Status"), "leader");
        String alarm = "memberID:" + memberId + " alarm:NOSPACE ";

        int written;
        try (Client client = Jetcd.client(server)) {
            written = fillUntilRefused(client.getKVClient());
            assertTrue(written > 0, "the quota leaves room for some data");

            List<AlarmMember> alarms = Jetcd.await(client.getMaintenanceClient().listAlarms()).getAlarms();
            assertEquals(1, alarms.size());
            assertEquals(memberId.longValue(), alarms.get(0).getMemberId());
            assertEquals(AlarmType.NOSPACE, alarms.get(0).getAlarmType());
        }

        assertEquals(alarm + "\n", ctl.ok("alarm", "list"), "gogoproto's text form, with its trailing space");
        Map<String, Object> listed = Json.object(ctl.ok("alarm", "list", "-w", "json"));
        assertEquals(List.of("alarms"), List.copyOf(listed.keySet()), "no header in alarm responses");
        Map<String, Object> member = asObject(arr(listed, "alarms").get(0));
        assertEquals(memberId, integer(member, "memberID"));
        assertEquals(1, lng(member, "alarm"), "NOSPACE is alarm type 1");
        Map<String, Object> status = obj(asObject(Json.arrayOf(ctl.ok("endpoint", "status", "-w", "json")).get(0)),
                "Status");
        assertEquals(List.of(alarm), arr(status, "errors"));
        assertTrue(ctl.ok("endpoint", "status").endsWith(", " + alarm + "\n"));

        assertRefused(ctl.run("put", "small", "x"), "Error: " + NO_SPACE);
        assertRefused(ctl.runWithInput("\nput small x\n\n\n", "txn"), "Error: " + NO_SPACE);
        assertRefused(ctl.run("lease", "grant", "60"), "Error: failed to grant lease (" + NO_SPACE + ")");
        assertEquals("", ctl.ok("get", "small"));
        assertEquals("quota/0\n\n", ctl.ok("get", "quota/0", "--keys-only"), "reads work under the alarm");
        assertEquals("1\n", ctl.ok("del", "quota/0"), "deletes work under the alarm");

        // Recovery: free the space, compact the history away, defragment, then disarm.
        assertEquals((written - 1) + "\n", ctl.ok("del", "quota/", "--prefix"));
        long revision = ctl.revision();
        assertEquals("compacted revision " + revision + "\n", ctl.ok("compaction", String.valueOf(revision), "--physical"));
        assertEquals("Finished defragmenting etcd member[" + server.endpoint() + "]\n", ctl.ok("defrag"));
        assertRefused(ctl.run("put", "small", "x"), "Error: " + NO_SPACE); // still armed until disarmed
        assertEquals(alarm + "\n", ctl.ok("alarm", "disarm"), "disarm prints the alarms it cleared");
        assertEquals("", ctl.ok("alarm", "list"));
        assertEquals("OK\n", ctl.ok("put", "small", "x"));
        assertTrue(EtcdctlLeaseTest.GRANTED.matcher(ctl.ok("lease", "grant", "60").strip()).matches());
        Map<String, Object> after = obj(asObject(Json.arrayOf(ctl.ok("endpoint", "status", "-w", "json")).get(0)),
                "Status");
        assertFalse(after.containsKey("errors"), after::toString);
    }

    @Test
    void aQuotaOfOneByteRefusesTheFirstPut() {
        server = EtcdProcess.builder("quota-1").args(variant.extraArgs()).args(List.of("--quota-backend-bytes=1")).start();
        Etcdctl ctl = server.etcdctl();
        assertRefused(ctl.run("put", "k", "v"), "Error: " + NO_SPACE);
        assertTrue(ctl.ok("alarm", "list").endsWith(" alarm:NOSPACE \n"));
        assertEquals("", ctl.ok("get", "k"));
        try (Client client = Jetcd.client(server)) {
            Status status = Jetcd.failure(() -> client.getKVClient().put(Jetcd.bytes("k"), Jetcd.bytes("v")));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
            assertEquals(NO_SPACE, status.getDescription());
        }
    }

    /** Puts distinct random values until the server refuses one; returns how many were written. */
    private static int fillUntilRefused(KV kv) {
        Random random = new Random(42);
        for (int i = 0; i < MAX_PUTS; i++) {
            byte[] raw = new byte[VALUE_BYTES * 3 / 4];
            random.nextBytes(raw);
            CompletableFuture<?> put = kv.put(Jetcd.bytes("quota/" + i), Jetcd.bytes(Base64.getEncoder().encodeToString(raw)));
            try {
                Jetcd.await(put);
            } catch (RuntimeException refused) {
                Status status = Status.fromThrowable(refused);
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), refused::toString);
                assertEquals(NO_SPACE, status.getDescription());
                return i;
            }
        }
        throw new AssertionError(MAX_PUTS + " puts of " + VALUE_BYTES + " bytes fit a quota of " + QUOTA + " bytes");
    }

    private static void assertRefused(Etcdctl.Result result, String error) {
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals("", result.stdout());
        assertEquals(error, result.errorLine());
    }
}
