package io.etcdj.server;

import static io.etcdj.server.TestMembers.all;
import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.get;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.api.etcdserverpb.TxnResponse;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.server.membership.MemberIds;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A fresh member on each store: every KV operation, then two restarts that must change nothing. */
class RestartTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"rocks", "lmdb"})
    void dataRevisionsAndIdsSurviveTwoRestarts(String store) throws Exception {
        TestMembers.Member member = TestMembers.member(dir.resolve("data"), store);
        long expectedMember = MemberIds.memberId(List.of(member.peerUrl()), "etcd-cluster", null);
        long expectedCluster = MemberIds.clusterId(List.of(expectedMember));

        RangeResponse before;
        RangeResponse beforeAtFour;
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            assertEquals(new ServerIdentity(expectedMember, expectedCluster), server.identity());
            assertTrue(Files.isDirectory(dir.resolve("data/member/" + store)), "backend directory for " + store);
            assertTrue(Files.isDirectory(dir.resolve("data/member/wal")));

            assertEquals(2, put(server, "a", "1").getHeader().getRevision());
            assertEquals(3, put(server, "b", "2").getHeader().getRevision());
            var third = put(server, "a", "3");
            assertEquals(4, third.getHeader().getRevision());
            assertEquals(expectedMember, third.getHeader().getMemberId());
            assertEquals(expectedCluster, third.getHeader().getClusterId());

            var deleted = await(server.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("b")).build(),
                    RequestContext.NONE));
            assertEquals(1, deleted.getDeleted());
            assertEquals(5, deleted.getHeader().getRevision());

            TxnResponse txn = await(server.txn(TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(bytes("a")).setTarget(Compare.CompareTarget.VALUE)
                            .setResult(Compare.CompareResult.EQUAL).setValue(bytes("3")))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(
                            PutRequest.newBuilder().setKey(bytes("c")).setValue(bytes("4"))))
                    .addFailure(RequestOp.newBuilder().setRequestPut(
                            PutRequest.newBuilder().setKey(bytes("c")).setValue(bytes("wrong"))))
                    .build(), RequestContext.NONE));
            assertTrue(txn.getSucceeded());
            assertEquals(6, txn.getHeader().getRevision());
            assertEquals("4", get(server, "c").getValue().toStringUtf8());

            var compacted = await(server.compact(CompactionRequest.newBuilder().setRevision(3).setPhysical(true).build(),
                    RequestContext.NONE));
            assertEquals(6, compacted.getHeader().getRevision());
            assertEquals(EtcdError.COMPACTED, errorOf(rangeAt(server, 2)));

            before = all(server, 0);
            beforeAtFour = all(server, 4);
            assertEquals(List.of("a", "c"), keys(before));
            assertEquals(List.of("a", "b"), keys(beforeAtFour));
            assertEquals(6, before.getHeader().getRevision());
        }

        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            assertEquals(new ServerIdentity(expectedMember, expectedCluster), server.identity());
            assertEquals(6, server.currentRevision());
            assertSameData(before, all(server, 0));
            assertSameData(beforeAtFour, all(server, 4));
            assertEquals(EtcdError.COMPACTED, errorOf(rangeAt(server, 2)), "the compaction survives a restart");
            assertNull(get(server, "b"));
            var next = put(server, "d", "5");
            assertEquals(7, next.getHeader().getRevision(), "revisions continue after a restart");
            assertEquals(expectedMember, next.getHeader().getMemberId());
            assertEquals(expectedCluster, next.getHeader().getClusterId());
            before = all(server, 0);
        }

        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            assertEquals(new ServerIdentity(expectedMember, expectedCluster), server.identity());
            assertEquals(7, server.currentRevision());
            assertSameData(before, all(server, 0));
            assertEquals(List.of("a", "c", "d"), keys(all(server, 0)));
            KeyValue a = get(server, "a");
            assertEquals(2, a.getCreateRevision());
            assertEquals(4, a.getModRevision());
            assertEquals(2, a.getVersion());
            assertEquals(8, put(server, "e", "6").getHeader().getRevision());
        }
    }

    private static java.util.concurrent.CompletableFuture<RangeResponse> rangeAt(EtcdServer server, long revision) {
        return server.range(RangeRequest.newBuilder().setKey(bytes("a")).setRevision(revision).build(),
                RequestContext.NONE);
    }

    private static List<String> keys(RangeResponse r) {
        return r.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }

    /** Same keys, values, create and mod revisions and versions, at the same store revision. */
    private static void assertSameData(RangeResponse expected, RangeResponse actual) {
        assertEquals(expected.getKvsList(), actual.getKvsList());
        assertEquals(expected.getHeader().getRevision(), actual.getHeader().getRevision());
    }
}
