package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A completed write is seen by every later read, linearizable or serializable. */
class ReadsTest {
    @TempDir
    Path dir;

    @Test
    void linearizableAndSerializableReadsSeeACompletedPut() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "lmdb").config()).server()) {
            for (int i = 0; i < 100; i++) {
                long revision = put(server, "k", "v" + i).getHeader().getRevision();
                for (boolean serializable : new boolean[] {false, true}) {
                    RangeResponse r = await(server.range(RangeRequest.newBuilder().setKey(bytes("k"))
                            .setSerializable(serializable).build(), RequestContext.NONE));
                    assertEquals("v" + i, r.getKvs(0).getValue().toStringUtf8(), "serializable=" + serializable);
                    assertEquals(revision, r.getKvs(0).getModRevision());
                    assertEquals(revision, r.getHeader().getRevision());
                }
                var txn = await(server.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
                        .setRequestRange(RangeRequest.newBuilder().setKey(bytes("k")))).build(), RequestContext.NONE));
                assertEquals("v" + i, txn.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8(),
                        "a read-only txn is a linearizable read");
            }
        }
    }

    @Test
    void aLinearizableReadSentAfterPutsCompletedSeesThemAll() throws Exception {
        try (EtcdServer server = Bootstrap.start(TestMembers.member(dir, "rocks").config()).server()) {
            for (int round = 0; round < 20; round++) {
                List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    puts.add(server.put(PutRequest.newBuilder().setKey(bytes("r" + round + "/" + i))
                            .setValue(bytes("v")).build(), RequestContext.NONE));
                }
                long last = 0;
                for (var f : puts) {
                    last = Math.max(last, await(f).getHeader().getRevision());
                }
                RangeResponse r = await(server.range(RangeRequest.newBuilder().setKey(bytes("r" + round + "/"))
                        .setRangeEnd(bytes("r" + round + "0")).setCountOnly(true).build(), RequestContext.NONE));
                assertEquals(50, r.getCount());
                assertEquals(last, r.getHeader().getRevision());
            }
        }
    }
}
