package io.etcdj.mvcc.kv;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class KvRequestsTest {
    private static final int MAX = KvRequests.DEFAULT_MAX_TXN_OPS;

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static void assertError(EtcdError expected, Executable action) {
        assertSame(expected, assertThrows(EtcdException.class, action).error());
    }

    private static RequestOp put(String key) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b(key))).build();
    }

    private static RequestOp delete(String key, String end) {
        DeleteRangeRequest.Builder d = DeleteRangeRequest.newBuilder().setKey(b(key));
        if (end != null) {
            d.setRangeEnd(b(end));
        }
        return RequestOp.newBuilder().setRequestDeleteRange(d).build();
    }

    private static RequestOp range(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b(key))).build();
    }

    private static RequestOp nested(TxnRequest.Builder txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    private static TxnRequest.Builder success(RequestOp... ops) {
        TxnRequest.Builder t = TxnRequest.newBuilder();
        for (RequestOp op : ops) {
            t.addSuccess(op);
        }
        return t;
    }

    private static void validate(TxnRequest.Builder txn) {
        KvRequests.validateTxn(txn.build(), MAX);
    }

    @Test
    void rangeNeedsAKeyAndKnownSortOptions() {
        assertError(EtcdError.EMPTY_KEY, () -> KvRequests.validateRange(RangeRequest.getDefaultInstance()));
        assertError(EtcdError.INVALID_SORT_OPTION,
                () -> KvRequests.validateRange(RangeRequest.newBuilder().setKey(b("a")).setSortOrderValue(7).build()));
        assertError(EtcdError.INVALID_SORT_OPTION,
                () -> KvRequests.validateRange(RangeRequest.newBuilder().setKey(b("a")).setSortTargetValue(9).build()));
        assertDoesNotThrow(() -> KvRequests.validateRange(RangeRequest.newBuilder().setKey(b("a"))
                .setSortOrder(RangeRequest.SortOrder.DESCEND).setSortTarget(RangeRequest.SortTarget.VALUE).build()));
    }

    @Test
    void putChecks() {
        assertError(EtcdError.EMPTY_KEY, () -> KvRequests.validatePut(PutRequest.newBuilder().setValue(b("v")).build()));
        assertError(EtcdError.VALUE_PROVIDED, () -> KvRequests.validatePut(
                PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setIgnoreValue(true).build()));
        assertError(EtcdError.LEASE_PROVIDED, () -> KvRequests.validatePut(
                PutRequest.newBuilder().setKey(b("k")).setLease(5).setIgnoreLease(true).build()));
        assertDoesNotThrow(() -> KvRequests.validatePut(
                PutRequest.newBuilder().setKey(b("k")).setIgnoreValue(true).setIgnoreLease(true).build()));
    }

    @Test
    void deleteNeedsAKey() {
        assertError(EtcdError.EMPTY_KEY, () -> KvRequests.validateDeleteRange(DeleteRangeRequest.getDefaultInstance()));
        assertDoesNotThrow(() -> KvRequests.validateDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("k")).build()));
    }

    @Test
    void txnOperationCountsAreLimited() {
        RequestOp[] many = Collections.nCopies(MAX + 1, range("k")).toArray(RequestOp[]::new);
        assertError(EtcdError.TOO_MANY_OPS, () -> validate(success(many)));
        assertError(EtcdError.TOO_MANY_OPS, () -> validate(TxnRequest.newBuilder()
                .addAllFailure(java.util.List.of(many))));
        TxnRequest.Builder compares = TxnRequest.newBuilder();
        for (int i = 0; i <= MAX; i++) {
            compares.addCompare(Compare.newBuilder().setKey(b("k")));
        }
        assertError(EtcdError.TOO_MANY_OPS, () -> validate(compares));
        assertDoesNotThrow(() -> validate(success(Collections.nCopies(MAX, range("k")).toArray(RequestOp[]::new))));
    }

    @Test
    void aNestedTxnGetsWhatItsParentLeaves() {
        RequestOp[] hundred = Collections.nCopies(99, range("k")).toArray(RequestOp[]::new);
        TxnRequest.Builder parent = success(hundred);
        parent.addSuccess(nested(success(Collections.nCopies(MAX - 100, range("n")).toArray(RequestOp[]::new))));
        assertDoesNotThrow(() -> validate(parent));
        TxnRequest.Builder tooBig = success(hundred);
        tooBig.addSuccess(nested(success(Collections.nCopies(MAX - 100 + 1, range("n")).toArray(RequestOp[]::new))));
        assertError(EtcdError.TOO_MANY_OPS, () -> validate(tooBig));
    }

    @Test
    void txnContentIsChecked() {
        assertError(EtcdError.EMPTY_KEY, () -> validate(TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance())));
        assertError(EtcdError.EMPTY_KEY, () -> validate(success(range(""))));
        assertError(EtcdError.EMPTY_KEY, () -> validate(success(nested(success(put(""))))));
        assertError(EtcdError.KEY_NOT_FOUND, () -> validate(success(RequestOp.getDefaultInstance())));
        assertError(EtcdError.VALUE_PROVIDED, () -> validate(TxnRequest.newBuilder().addFailure(RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setIgnoreValue(true)))));
    }

    @Test
    void duplicatePutsAndPutsUnderDeletesAreRefused() {
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(put("a"), put("a"))));
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(put("a"), delete("a", null))));
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(delete("a", "c"), put("b"))));
        assertDoesNotThrow(() -> validate(success(delete("a", "c"), put("c"))), "the range end is exclusive");
        assertDoesNotThrow(() -> validate(success(delete("a", "c"), delete("b", "d"))), "deletes may overlap");
        assertDoesNotThrow(() -> validate(success(put("a"), range("a"), put("b"))));
        assertDoesNotThrow(() -> validate(success(put("a")).addFailure(put("a"))), "branches are checked apart");
    }

    @Test
    void aDeleteToTheEndCoversNoPutAsInEtcd() {
        // etcd compares the range end "\0" as a string, not as "to the end".
        assertDoesNotThrow(() -> validate(success(delete("a", "\0"), put("b"))));
    }

    @Test
    void nestedTransactionsAreCheckedAcrossLevels() {
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(put("a"), nested(success(put("a"))))));
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(delete("a", null), nested(success(put("a"))))));
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(nested(success(delete("a", null))), put("a"))));
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(nested(success(put("a"))), nested(success(put("a"))))));
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(nested(success(delete("a", "b"))), nested(success(put("a"))))));
        assertDoesNotThrow(() -> validate(success(nested(success(put("a")).addFailure(put("a"))))),
                "then and else of one txn never both run");
        assertDoesNotThrow(() -> validate(success(nested(success(put("a"))), nested(success(delete("a", null))))),
                "etcd does not check a nested put against the deletes of later siblings");
        assertError(EtcdError.DUPLICATE_KEY, () -> validate(success(nested(TxnRequest.newBuilder().addFailure(put("a")).addFailure(put("a"))))));
    }

    @Test
    void readOnlyMeansOnlyRangesAtTheTopLevel() {
        assertTrue(KvRequests.isReadOnly(TxnRequest.getDefaultInstance()));
        assertTrue(KvRequests.isReadOnly(success(range("a")).addFailure(range("b")).build()));
        assertFalse(KvRequests.isReadOnly(success(range("a")).addFailure(put("b")).build()));
        assertFalse(KvRequests.isReadOnly(success(nested(success(range("a")))).build()));
    }
}
