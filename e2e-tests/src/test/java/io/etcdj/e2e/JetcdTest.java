package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.await;
import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.GetOption.SortOrder;
import io.etcd.jetcd.options.GetOption.SortTarget;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gRPC API through the jetcd client: KV with range options, transactions, cluster and maintenance.
 * One server and one client per variant; each test owns a key prefix.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class JetcdTest {

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Client client;
    private static KV kv;

    @BeforeParameterizedClassInvocation
    static void start(ServerVariant variant) {
        server = EtcdProcess.start("jetcd", variant);
        client = Jetcd.client(server);
        kv = client.getKVClient();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            client = null;
            if (server != null) {
                server.close();
                server = null;
            }
        }
    }

    @Test
    void putGetDelete() {
        PutResponse first = await(kv.put(bytes("j/basic"), bytes("v1")));
        assertFalse(first.hasPrevKv());
        long created = first.getHeader().getRevision();
        PutResponse second = await(kv.put(bytes("j/basic"), bytes("v2"), PutOption.builder().withPrevKV().build()));
        assertEquals(created + 1, second.getHeader().getRevision(), "a single-member server, no other writer");
        assertTrue(second.hasPrevKv());
        assertEquals("v1", text(second.getPrevKv().getValue()));

        GetResponse get = await(kv.get(bytes("j/basic")));
        assertEquals(1, get.getCount());
        KeyValue current = get.getKvs().get(0);
        assertEquals("j/basic", text(current.getKey()));
        assertEquals("v2", text(current.getValue()));
        assertEquals(created, current.getCreateRevision());
        assertEquals(created + 1, current.getModRevision());
        assertEquals(2, current.getVersion());
        assertEquals(0, current.getLease());
        assertEquals(second.getHeader().getRevision(), get.getHeader().getRevision());

        DeleteResponse deleted = await(kv.delete(bytes("j/basic"), DeleteOption.builder().withPrevKV(true).build()));
        assertEquals(1, deleted.getDeleted());
        assertEquals("v2", text(deleted.getPrevKvs().get(0).getValue()));
        assertEquals(created + 2, deleted.getHeader().getRevision());
        assertEquals(0, await(kv.get(bytes("j/basic"))).getCount());
        assertEquals(0, await(kv.delete(bytes("j/basic"))).getDeleted());
    }

    @Test
    void prefixLimitKeysOnlyAndCountOnly() {
        for (String k : List.of("a", "b", "c", "d", "e")) {
            await(kv.put(bytes("j/opt/" + k), bytes("value-" + k)));
        }
        await(kv.put(bytes("j/opt0"), bytes("outside the prefix")));
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        assertEquals(List.of("a", "b", "c", "d", "e"), suffixes(await(kv.get(bytes("j/opt/"), prefix))));

        GetResponse limited = await(kv.get(bytes("j/opt/"), GetOption.builder().isPrefix(true).withLimit(2).build()));
        assertEquals(List.of("a", "b"), suffixes(limited));
        assertTrue(limited.isMore());
        assertEquals(5, limited.getCount());

        GetResponse keysOnly = await(kv.get(bytes("j/opt/a"), GetOption.builder().withKeysOnly(true).build()));
        assertEquals("j/opt/a", text(keysOnly.getKvs().get(0).getKey()));
        assertTrue(keysOnly.getKvs().get(0).getValue().isEmpty());
        assertEquals(1, keysOnly.getKvs().get(0).getVersion(), "keys-only keeps the metadata");

        GetResponse countOnly = await(kv.get(bytes("j/opt/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()));
        assertTrue(countOnly.getKvs().isEmpty());
        assertEquals(5, countOnly.getCount());

        GetResponse range = await(kv.get(bytes("j/opt/b"), GetOption.builder().withRange(bytes("j/opt/d")).build()));
        assertEquals(List.of("b", "c"), suffixes(range));
        GetResponse fromKey = await(kv.get(bytes("j/opt/d"), GetOption.builder().withRange(bytes("j/opt1")).build()));
        assertEquals(List.of("d", "e", "0"), fromKey.getKvs().stream()
                .map(e -> text(e.getKey()).substring(text(e.getKey()).length() - 1)).toList());
        GetResponse serializable = await(kv.get(bytes("j/opt/a"), GetOption.builder().withSerializable(true).build()));
        assertEquals("value-a", text(serializable.getKvs().get(0).getValue()));
    }

    @Test
    void sortByTargetAndOrder() {
        // created z y x; last modified z x y; values x < z < y.
        await(kv.put(bytes("j/sort/z"), bytes("2")));
        await(kv.put(bytes("j/sort/y"), bytes("0")));
        await(kv.put(bytes("j/sort/x"), bytes("1")));
        await(kv.put(bytes("j/sort/y"), bytes("3")));
        assertEquals(List.of("z", "y", "x"), sorted(SortTarget.CREATE, SortOrder.ASCEND));
        assertEquals(List.of("z", "x", "y"), sorted(SortTarget.MOD, SortOrder.ASCEND));
        assertEquals(List.of("y", "z", "x"), sorted(SortTarget.VALUE, SortOrder.DESCEND));
        assertEquals(List.of("z", "y", "x"), sorted(SortTarget.KEY, SortOrder.DESCEND));
        assertEquals(List.of("y", "x", "z"), sorted(SortTarget.VERSION, SortOrder.DESCEND),
                "y has version 2; the tie between x and z keeps key order");
    }

    @Test
    void revisionAndRevisionFilters() {
        long r1 = await(kv.put(bytes("j/rev/a"), bytes("a1"))).getHeader().getRevision();
        long r2 = await(kv.put(bytes("j/rev/b"), bytes("b1"))).getHeader().getRevision();
        long r3 = await(kv.put(bytes("j/rev/a"), bytes("a2"))).getHeader().getRevision();
        long r4 = await(kv.put(bytes("j/rev/c"), bytes("c1"))).getHeader().getRevision();

        GetResponse atR2 = await(kv.get(bytes("j/rev/"), GetOption.builder().isPrefix(true).withRevision(r2).build()));
        assertEquals(List.of("j/rev/a=a1", "j/rev/b=b1"), pairs(atR2));
        assertEquals(r4, atR2.getHeader().getRevision(), "the header carries the current revision, not the one read");

        assertEquals(List.of("j/rev/a=a2", "j/rev/c=c1"), pairs(await(kv.get(bytes("j/rev/"),
                GetOption.builder().isPrefix(true).withMinModRevision(r3).build()))));
        assertEquals(List.of("j/rev/b=b1"), pairs(await(kv.get(bytes("j/rev/"),
                GetOption.builder().isPrefix(true).withMaxModRevision(r2).build()))));
        assertEquals(List.of("j/rev/b=b1", "j/rev/c=c1"), pairs(await(kv.get(bytes("j/rev/"),
                GetOption.builder().isPrefix(true).withMinCreateRevision(r2).build()))));
        assertEquals(List.of("j/rev/a=a2"), pairs(await(kv.get(bytes("j/rev/"),
                GetOption.builder().isPrefix(true).withMaxCreateRevision(r1).build()))));
        GetResponse filteredAndLimited = await(kv.get(bytes("j/rev/"),
                GetOption.builder().isPrefix(true).withMinModRevision(r2).withLimit(1).build()));
        assertEquals(List.of("j/rev/a=a2"), pairs(filteredAndLimited), "filters apply before the limit");
        assertTrue(filteredAndLimited.isMore());

        Status future = Jetcd.failure(() -> kv.get(bytes("j/rev/a"), GetOption.builder().withRevision(r4 + 1_000_000).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, future.getCode());
        assertEquals("etcdserver: mvcc: required revision is a future revision", future.getDescription());
    }

    @Test
    void txnTakesTheBranchItsComparesSelect() {
        long created = await(kv.put(bytes("j/txn/k"), bytes("v1"))).getHeader().getRevision();
        ByteSequence key = bytes("j/txn/k");

        TxnResponse success = await(kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(bytes("v1"))),
                    new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(1)),
                    new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(created)),
                    new Cmp(key, Cmp.Op.LESS, CmpTarget.modRevision(created + 1)))
                .Then(Op.put(key, bytes("v2"), PutOption.DEFAULT),
                      Op.get(key, GetOption.DEFAULT),
                      Op.delete(bytes("j/txn/none"), DeleteOption.DEFAULT))
                .Else(Op.put(bytes("j/txn/else"), bytes("x"), PutOption.DEFAULT))
                .commit());
        assertTrue(success.isSucceeded());
        assertEquals(created + 1, success.getHeader().getRevision(), "one revision for the whole txn");
        assertEquals(1, success.getPutResponses().size());
        assertEquals("v2", text(success.getGetResponses().get(0).getKvs().get(0).getValue()),
                "a txn reads its own writes");
        assertEquals(0, success.getDeleteResponses().get(0).getDeleted());
        assertEquals(0, await(kv.get(bytes("j/txn/else"))).getCount());

        TxnResponse failure = await(kv.txn()
                .If(new Cmp(key, Cmp.Op.GREATER, CmpTarget.version(5)))
                .Then(Op.put(key, bytes("never"), PutOption.DEFAULT))
                .Else(Op.put(bytes("j/txn/else"), bytes("x"), PutOption.DEFAULT), Op.get(key, GetOption.DEFAULT))
                .commit());
        assertFalse(failure.isSucceeded());
        assertEquals("v2", text(failure.getGetResponses().get(0).getKvs().get(0).getValue()));
        assertEquals(1, await(kv.get(bytes("j/txn/else"))).getCount());

        TxnResponse missingKey = await(kv.txn()
                .If(new Cmp(bytes("j/txn/missing"), Cmp.Op.EQUAL, CmpTarget.version(0)),
                    new Cmp(bytes("j/txn/missing"), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.get(bytes("j/txn/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()))
                .commit());
        assertTrue(missingKey.isSucceeded(), "a missing key has version 0 and create revision 0");
        assertEquals(2, missingKey.getGetResponses().get(0).getCount());

        TxnResponse readOnly = await(kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(bytes("v2"))))
                .Then(Op.get(key, GetOption.DEFAULT)).commit());
        assertEquals(await(kv.get(key)).getHeader().getRevision(), readOnly.getHeader().getRevision(),
                "a read-only txn takes no revision");
    }

    @Test
    void invalidRequestsFailWithEtcdsStatus() {
        Status emptyKey = Jetcd.failure(() -> kv.put(ByteSequence.EMPTY, bytes("v")));
        assertEquals(Status.Code.INVALID_ARGUMENT, emptyKey.getCode());
        assertEquals("etcdserver: key is not provided", emptyKey.getDescription());

        Op[] puts = new Op[129];
        for (int i = 0; i < puts.length; i++) {
            puts[i] = Op.put(bytes("j/many/" + i), bytes("x"), PutOption.DEFAULT);
        }
        Status tooMany = Jetcd.failure(() -> kv.txn().Then(puts).commit());
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getCode());
        assertEquals("etcdserver: too many operations in txn request", tooMany.getDescription());

        Status duplicate = Jetcd.failure(() -> kv.txn()
                .Then(Op.put(bytes("j/dup"), bytes("1"), PutOption.DEFAULT),
                      Op.put(bytes("j/dup"), bytes("2"), PutOption.DEFAULT))
                .commit());
        assertEquals(Status.Code.INVALID_ARGUMENT, duplicate.getCode());
        assertEquals("etcdserver: duplicate key given in txn request", duplicate.getDescription());

        Status tooLarge = Jetcd.failure(() -> kv.put(bytes("j/large"), bytes("z".repeat(1_600_000))));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLarge.getCode());
        assertEquals("etcdserver: request is too large", tooLarge.getDescription());

        for (String rejected : List.of("j/many/", "j/dup", "j/large")) {
            assertEquals(0, await(kv.get(bytes(rejected), GetOption.builder().isPrefix(true).build())).getCount(),
                    "nothing of a rejected request is applied: " + rejected);
        }
        await(kv.put(bytes("j/after-errors"), bytes("ok")));
        assertEquals("ok", text(await(kv.get(bytes("j/after-errors"))).getKvs().get(0).getValue()));
    }

    @Test
    void clusterListsTheSingleMember() {
        MemberListResponse list = await(client.getClusterClient().listMember());
        assertEquals(1, list.getMembers().size());
        Member member = list.getMembers().get(0);
        assertEquals("jetcd", member.getName());
        assertEquals(List.of(URI.create(server.peerUrl())), member.getPeerURIs());
        assertEquals(List.of(URI.create(server.clientUrl())), member.getClientURIs());
        assertFalse(member.isLearner());
        assertEquals(list.getHeader().getMemberId(), member.getId());
        assertTrue(member.getId() != 0);
    }

    @Test
    void maintenanceStatusDescribesTheLeader() {
        await(kv.put(bytes("j/status"), bytes("x")));
        StatusResponse status = await(client.getMaintenanceClient().statusMember(server.clientUrl()));
        assertTrue(status.getVersion().startsWith("3.4."), status.getVersion());
        long memberId = await(client.getClusterClient().listMember()).getMembers().get(0).getId();
        assertEquals(memberId, status.getLeader(), "a single member leads itself");
        assertEquals(memberId, status.getHeader().getMemberId());
        assertTrue(status.getRaftIndex() > 0);
        assertTrue(status.getRaftTerm() >= 1);
        assertTrue(status.getRaftAppliedIndex() > 0);
        assertTrue(status.getDbSize() > 0);
        assertTrue(status.getDbSizeInUse() > 0);
        assertTrue(status.getErrorList().isEmpty());
        assertFalse(status.isLearner());
        long revision = await(kv.get(bytes("j/status"))).getHeader().getRevision();
        assertEquals(revision, status.getHeader().getRevision());
    }

    private static List<String> sorted(SortTarget target, SortOrder order) {
        GetResponse response = await(kv.get(bytes("j/sort/"),
                GetOption.builder().isPrefix(true).withSortField(target).withSortOrder(order).build()));
        return response.getKvs().stream().map(e -> text(e.getKey()).substring("j/sort/".length())).toList();
    }

    private static List<String> suffixes(GetResponse response) {
        return response.getKvs().stream().map(e -> text(e.getKey()).substring("j/opt/".length())).toList();
    }

    private static List<String> pairs(GetResponse response) {
        List<String> pairs = new ArrayList<>();
        for (KeyValue e : response.getKvs()) {
            pairs.add(text(e.getKey()) + "=" + text(e.getValue()));
        }
        return pairs;
    }
}
