package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.await;
import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;
import static io.etcdj.e2e.Json.lng;
import static io.etcdj.e2e.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compaction through etcdctl and jetcd. A server of its own, because a compaction removes history for
 * every key. Each test compacts only at revisions it wrote itself, so the tests do not depend on order.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class CompactionTest {

    private static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    private static final String FUTURE = "etcdserver: mvcc: required revision is a future revision";

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Etcdctl ctl;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("compact", variant);
        ctl = server.etcdctl();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void etcdctlCompaction() {
        long r1 = putRevision("cmp/k", "one");
        long r2 = putRevision("cmp/k", "two");
        long r3 = putRevision("cmp/k", "three");

        assertEquals("compacted revision " + r2 + "\n", ctl.ok("compaction", String.valueOf(r2)));

        Etcdctl.Result below = ctl.run("get", "cmp/k", "--rev=" + r1);
        assertEquals(1, below.exitCode(), below::toString);
        assertEquals("", below.stdout());
        assertEquals("Error: " + COMPACTED, below.errorLine());
        assertEquals("cmp/k\ntwo\n", ctl.ok("get", "cmp/k", "--rev=" + r2), "the compacted revision itself is kept");
        assertEquals("cmp/k\nthree\n", ctl.ok("get", "cmp/k"));

        Etcdctl.Result again = ctl.run("compaction", String.valueOf(r2));
        assertEquals(1, again.exitCode(), again::toString);
        assertEquals("Error: " + COMPACTED, again.errorLine(), "compacting the compacted revision again");
        Etcdctl.Result older = ctl.run("compaction", String.valueOf(r1));
        assertEquals(1, older.exitCode(), older::toString);
        assertEquals("Error: " + COMPACTED, older.errorLine());

        Etcdctl.Result future = ctl.run("compaction", String.valueOf(r3 + 1_000_000));
        assertEquals(1, future.exitCode(), future::toString);
        assertEquals("Error: " + FUTURE, future.errorLine());

        assertEquals("compacted revision " + r3 + "\n", ctl.ok("compaction", String.valueOf(r3), "--physical"));
        assertEquals("cmp/k\nthree\n", ctl.ok("get", "cmp/k"));
        long r4 = putRevision("cmp/k", "four");
        assertEquals(r3 + 1, r4, "compaction itself takes no revision");
        assertEquals("compacted revision " + r4 + "\n", ctl.ok("compaction", String.valueOf(r4), "-w", "json"),
                "compaction prints plain text whatever the output format");
    }

    @Test
    void jetcdCompactionSurfacesTheEtcdError() {
        try (Client client = Jetcd.client(server)) {
            KV kv = client.getKVClient();
            long r1 = await(kv.put(bytes("jcmp/k"), bytes("one"))).getHeader().getRevision();
            long r2 = await(kv.put(bytes("jcmp/k"), bytes("two"))).getHeader().getRevision();
            assertTrue(await(kv.compact(r2)).getHeader().getRevision() >= r2);

            Status compacted = Jetcd.failure(
                    () -> kv.get(bytes("jcmp/k"), GetOption.builder().withRevision(r1).build()));
            assertEquals(Status.Code.OUT_OF_RANGE, compacted.getCode());
            assertEquals(COMPACTED, compacted.getDescription());
            assertEquals("two", text(await(kv.get(bytes("jcmp/k"),
                    GetOption.builder().withRevision(r2).build())).getKvs().get(0).getValue()));

            Status twice = Jetcd.failure(() -> kv.compact(r2));
            assertEquals(Status.Code.OUT_OF_RANGE, twice.getCode());
            assertEquals(COMPACTED, twice.getDescription());
            Status future = Jetcd.failure(() -> kv.compact(r2 + 1_000_000));
            assertEquals(Status.Code.OUT_OF_RANGE, future.getCode());
            assertEquals(FUTURE, future.getDescription());
        }
    }

    private static long putRevision(String key, String value) {
        return lng(obj(Json.object(ctl.ok("put", key, value, "-w", "json")), "header"), "revision");
    }
}
