package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RequestOp;

/** The transaction pieces the recipes use, spelled as clientv3 spells them. */
final class Ops {
    private Ops() {
    }

    /** {@code v3.Compare(v3.CreateRevision(key), "=", revision)}. */
    static Compare createRevisionIs(ByteString key, long revision) {
        return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                .setResult(Compare.CompareResult.EQUAL).setCreateRevision(revision).build();
    }

    static RequestOp put(ByteString key, ByteString value, long lease) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value).setLease(lease))
                .build();
    }

    static RequestOp get(RangeRequest range) {
        return RequestOp.newBuilder().setRequestRange(range).build();
    }

    static RequestOp delete(ByteString key) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)).build();
    }
}
