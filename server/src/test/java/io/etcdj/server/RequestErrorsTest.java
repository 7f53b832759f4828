package io.etcdj.server;

import static io.etcdj.server.TestMembers.assertServing;
import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.errorOf;
import static io.etcdj.server.TestMembers.get;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests etcd refuses, each with etcd's error, on one member with small limits; after every
 * refusal the member must go on serving.
 */
class RequestErrorsTest {
    private static final RequestContext CTX = RequestContext.NONE;

    @TempDir
    static Path dir;
    private static EtcdServer server;

    @BeforeAll
    static void start() throws Exception {
        server = Bootstrap.start(TestMembers.member(dir, "rocks",
                "--max-request-bytes", "1024", "--max-txn-ops", "4").config()).server();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void requestTooLarge() {
        PutRequest big = PutRequest.newBuilder().setKey(bytes("big")).setValue(bytes("x".repeat(1024))).build();
        assertEquals(EtcdError.REQUEST_TOO_LARGE, errorOf(server.put(big, CTX)));
        TxnRequest bigTxn = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(big)).build();
        assertEquals(EtcdError.REQUEST_TOO_LARGE, errorOf(server.txn(bigTxn, CTX)));
        assertNull(get(server, "big"));
        // Just under the limit passes: the limit is on the encoded proposal, as in etcd.
        put(server, "small", "x".repeat(900));
        assertServing(server);
    }

    @Test
    void tooManyOpsInATxn() {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int i = 0; i < 5; i++) {
            txn.addSuccess(RequestOp.newBuilder().setRequestPut(
                    PutRequest.newBuilder().setKey(bytes("op" + i)).setValue(bytes("v"))));
        }
        assertEquals(EtcdError.TOO_MANY_OPS, errorOf(server.txn(txn.build(), CTX)));
        assertNull(get(server, "op0"));
        txn.removeSuccess(4);
        assertEquals(4, await(server.txn(txn.build(), CTX)).getResponsesCount(), "4 ops are allowed");
        assertServing(server);
    }

    @Test
    void emptyKey() {
        assertEquals(EtcdError.EMPTY_KEY, errorOf(server.put(PutRequest.newBuilder().setValue(bytes("v")).build(), CTX)));
        assertEquals(EtcdError.EMPTY_KEY, errorOf(server.range(RangeRequest.getDefaultInstance(), CTX)));
        assertEquals(EtcdError.EMPTY_KEY, errorOf(server.range(RangeRequest.newBuilder().setSerializable(true).build(), CTX)));
        assertEquals(EtcdError.EMPTY_KEY, errorOf(server.deleteRange(DeleteRangeRequest.getDefaultInstance(), CTX)));
        assertEquals(EtcdError.EMPTY_KEY, errorOf(server.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setTarget(Compare.CompareTarget.VERSION)).build(), CTX)));
        assertServing(server);
    }

    @Test
    void duplicateKeyInATxn() {
        RequestOp putA = RequestOp.newBuilder().setRequestPut(
                PutRequest.newBuilder().setKey(bytes("dup")).setValue(bytes("1"))).build();
        assertEquals(EtcdError.DUPLICATE_KEY, errorOf(server.txn(
                TxnRequest.newBuilder().addSuccess(putA).addSuccess(putA).build(), CTX)));
        RequestOp deleteAll = RequestOp.newBuilder().setRequestDeleteRange(
                DeleteRangeRequest.newBuilder().setKey(bytes("d")).setRangeEnd(bytes("e"))).build();
        assertEquals(EtcdError.DUPLICATE_KEY, errorOf(server.txn(
                TxnRequest.newBuilder().addFailure(deleteAll).addFailure(putA).build(), CTX)));
        assertNull(get(server, "dup"));
        assertServing(server);
    }

    @Test
    void compactedAndFutureRevisions() {
        put(server, "rev", "1");
        long old = put(server, "rev", "2").getHeader().getRevision();
        long compactAt = put(server, "rev", "3").getHeader().getRevision();
        await(server.compact(CompactionRequest.newBuilder().setRevision(compactAt).build(), CTX));
        long current = server.currentRevision();

        for (boolean serializable : new boolean[] {false, true}) {
            assertEquals(EtcdError.COMPACTED, errorOf(server.range(rangeAt(old, serializable), CTX)), "serializable=" + serializable);
            assertEquals(EtcdError.FUTURE_REV, errorOf(server.range(rangeAt(current + 10, serializable), CTX)),
                    "serializable=" + serializable);
            assertEquals("3", await(server.range(rangeAt(compactAt, serializable), CTX)).getKvs(0).getValue().toStringUtf8(),
                    "the compaction revision itself stays readable");
        }
        // A read-only txn is served like a range; a txn that writes checks its ranges in the apply.
        TxnRequest readOld = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
                .setRequestRange(rangeAt(old, false))).build();
        assertEquals(EtcdError.COMPACTED, errorOf(server.txn(readOld, CTX)));
        TxnRequest writeAndReadFuture = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestRange(rangeAt(current + 10, false)))
                .addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(bytes("never")).setValue(bytes("x")))).build();
        assertEquals(EtcdError.FUTURE_REV, errorOf(server.txn(writeAndReadFuture, CTX)));
        assertNull(get(server, "never"));

        // Compaction itself: at or below the compaction revision, or beyond the current one.
        assertEquals(EtcdError.COMPACTED, errorOf(server.compact(
                CompactionRequest.newBuilder().setRevision(compactAt).build(), CTX)));
        assertEquals(EtcdError.FUTURE_REV, errorOf(server.compact(
                CompactionRequest.newBuilder().setRevision(server.currentRevision() + 1).build(), CTX)));
        assertServing(server);
    }

    private static RangeRequest rangeAt(long revision, boolean serializable) {
        return RangeRequest.newBuilder().setKey(bytes("rev")).setRevision(revision).setSerializable(serializable).build();
    }
}
