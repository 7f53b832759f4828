package io.etcdj.mvcc.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.DeleteRangeResponse;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.PutResponse;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.etcdserverpb.ResponseOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.api.etcdserverpb.TxnResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.mvcc.InMemoryBackend;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class KvApplierTest {
    private static final long LEASE = 77;

    private final InMemoryBackend backend = InMemoryBackend.forStore();
    private final MvccStore store = MvccStore.open(backend);
    private final KvApplier kv = new KvApplier(store, Set.of(LEASE, 78L)::contains);

    @AfterEach
    void close() {
        store.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static void assertError(EtcdError expected, Executable action) {
        assertError(expected, action, null);
    }

    private static void assertError(EtcdError expected, Executable action, String message) {
        assertSame(expected, assertThrows(EtcdException.class, action, message).error(), message);
    }

    private long put(String key, String value) {
        return kv.put(PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).build()).revision();
    }

    private long put(String key, String value, long lease) {
        return kv.put(PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).setLease(lease).build()).revision();
    }

    private static KeyValue kv(String key, String value, long create, long mod, long version, long lease) {
        return KeyValue.newBuilder().setKey(b(key)).setValue(b(value)).setCreateRevision(create)
                .setModRevision(mod).setVersion(version).setLease(lease).build();
    }

    private static List<String> keys(RangeResponse r) {
        return r.getKvsList().stream().map(x -> x.getKey().toStringUtf8()).toList();
    }

    private RangeResponse range(RangeRequest.Builder r) {
        return kv.range(r.build());
    }

    private static RangeRequest.Builder rangeOf(String key, String end) {
        RangeRequest.Builder r = RangeRequest.newBuilder().setKey(b(key));
        if (end != null) {
            r.setRangeEnd(b(end));
        }
        return r;
    }

    private static RequestOp op(PutRequest.Builder put) {
        return RequestOp.newBuilder().setRequestPut(put).build();
    }

    private static RequestOp op(RangeRequest.Builder range) {
        return RequestOp.newBuilder().setRequestRange(range).build();
    }

    private static RequestOp op(DeleteRangeRequest.Builder delete) {
        return RequestOp.newBuilder().setRequestDeleteRange(delete).build();
    }

    private static RequestOp op(TxnRequest.Builder txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    private static PutRequest.Builder putOf(String key, String value) {
        return PutRequest.newBuilder().setKey(b(key)).setValue(b(value));
    }

    private static Compare.Builder compare(String key, Compare.CompareTarget target, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(b(key)).setTarget(target).setResult(result);
    }

    /** foo@2, foo/a@3, foo/b@4, fop@5, then foo/a again @6 (version 2). */
    private void sample() {
        put("foo", "0");
        put("foo/a", "a1");
        put("foo/b", "b");
        put("fop", "p");
        put("foo/a", "a2");
    }

    // ---- Range

    @Test
    void rangeEndsFollowEtcdsConvention() {
        sample();
        assertEquals(List.of("foo"), keys(range(rangeOf("foo", null))));
        assertEquals(List.of("foo/a", "foo/b"), keys(range(rangeOf("foo/", "foo0"))), "a prefix range");
        assertEquals(List.of("foo/b", "fop"), keys(range(rangeOf("foo/b", "\0"))), "\\0: from the key on");
        assertEquals(List.of("foo", "foo/a", "foo/b", "fop"), keys(range(rangeOf("\0", "\0"))), "everything");
        assertEquals(List.of(), keys(range(rangeOf("fop", "foo"))), "an end before the key");
        RangeResponse r = range(rangeOf("foo", null));
        assertEquals(ResponseHeader.newBuilder().setRevision(6).build(), r.getHeader());
        assertEquals(kv("foo", "0", 2, 2, 1, 0), r.getKvs(0));
    }

    @Test
    void limitMoreAndCount() {
        sample();
        RangeResponse r = range(rangeOf("\0", "\0").setLimit(2));
        assertEquals(List.of("foo", "foo/a"), keys(r));
        assertTrue(r.getMore());
        assertEquals(4, r.getCount());
        RangeResponse all = range(rangeOf("\0", "\0").setLimit(4));
        assertFalse(all.getMore());
        assertEquals(4, all.getKvsCount());
        RangeResponse counted = range(rangeOf("\0", "\0").setCountOnly(true).setLimit(1));
        assertEquals(0, counted.getKvsCount());
        assertEquals(4, counted.getCount());
        assertFalse(counted.getMore());
    }

    @Test
    void revisionsOldFutureAndCompacted() throws Exception {
        sample();
        RangeResponse old = range(rangeOf("foo/a", null).setRevision(4));
        assertEquals(List.of(kv("foo/a", "a1", 3, 3, 1, 0)), old.getKvsList());
        assertEquals(6, old.getHeader().getRevision(), "the header carries the current revision");
        assertEquals(List.of(), range(rangeOf("fop", null).setRevision(4)).getKvsList());
        assertError(EtcdError.FUTURE_REV, () -> range(rangeOf("foo", null).setRevision(7)));
        kv.compact(CompactionRequest.newBuilder().setRevision(5).build());
        assertError(EtcdError.COMPACTED, () -> range(rangeOf("foo", null).setRevision(4)));
        assertEquals(1, range(rangeOf("foo", null).setRevision(5)).getCount());
    }

    @Test
    void sortingReadsEverythingThenLimits() {
        sample();
        RangeResponse r = range(rangeOf("\0", "\0").setSortOrder(RangeRequest.SortOrder.DESCEND).setLimit(2));
        assertEquals(List.of("fop", "foo/b"), keys(r));
        assertTrue(r.getMore());
        assertEquals(4, r.getCount());
        assertEquals(List.of("foo/a", "foo", "foo/b", "fop"), keys(range(rangeOf("\0", "\0")
                .setSortTarget(RangeRequest.SortTarget.VERSION).setSortOrder(RangeRequest.SortOrder.DESCEND))),
                "version 2 first, ties in key order");
        assertEquals(List.of("fop", "foo/b", "foo/a", "foo"), keys(range(rangeOf("\0", "\0")
                .setSortTarget(RangeRequest.SortTarget.VALUE).setSortOrder(RangeRequest.SortOrder.DESCEND))),
                "p > b > a2 > 0");
        assertEquals(List.of("foo", "foo/b", "fop", "foo/a"), keys(range(rangeOf("\0", "\0")
                .setSortTarget(RangeRequest.SortTarget.MOD))), "order NONE with a target other than KEY sorts ascending");
        assertEquals(List.of("fop", "foo/b", "foo/a", "foo"), keys(range(rangeOf("\0", "\0")
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.DESCEND))));
    }

    @Test
    void aTargetWithOrderNoneSortsOnlyTheLimitedReadAsEtcd() {
        put("d", "x"); // mod 2
        put("c", "x"); // mod 3
        put("b", "x"); // mod 4
        put("a", "x"); // mod 5
        RangeResponse r = range(rangeOf("\0", "\0").setSortTarget(RangeRequest.SortTarget.MOD).setLimit(2));
        // etcd reads limit + 1 keys in key order (a, b, c), sorts them by mod, then cuts to 2.
        assertEquals(List.of("c", "b"), keys(r));
        assertTrue(r.getMore());
    }

    @Test
    void keysOnlyAndRevisionFilters() {
        sample();
        RangeResponse keysOnly = range(rangeOf("foo", null).setKeysOnly(true));
        assertEquals(KeyValue.newBuilder().setKey(b("foo")).setCreateRevision(2).setModRevision(2).setVersion(1).build(),
                keysOnly.getKvs(0));
        RangeResponse filtered = range(rangeOf("\0", "\0").setMinModRevision(4).setMaxModRevision(5));
        assertEquals(List.of("foo/b", "fop"), keys(filtered));
        assertEquals(4, filtered.getCount(), "count ignores the filters, as etcd");
        assertEquals(List.of("foo/a", "foo/b"), keys(range(rangeOf("\0", "\0").setMinCreateRevision(3).setMaxCreateRevision(4))));
        RangeResponse limited = range(rangeOf("\0", "\0").setMinModRevision(3).setLimit(2));
        assertEquals(List.of("foo/a", "foo/b"), keys(limited));
        assertTrue(limited.getMore());
    }

    // ---- Put

    @Test
    void putReportsRevisionPrevKvAndEvents() {
        KvResult<PutResponse> first = kv.put(putOf("k", "v1").setPrevKv(true).build());
        assertEquals(2, first.revision());
        assertEquals(ResponseHeader.newBuilder().setRevision(2).build(), first.response().getHeader());
        assertFalse(first.response().hasPrevKv());
        assertEquals(List.of(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("k", "v1", 2, 2, 1, 0)).build()),
                first.events());
        KvResult<PutResponse> second = kv.put(putOf("k", "v2").setPrevKv(true).setLease(LEASE).build());
        assertEquals(kv("k", "v1", 2, 2, 1, 0), second.response().getPrevKv());
        assertEquals(kv("k", "v2", 2, 3, 2, LEASE), range(rangeOf("k", null)).getKvs(0));
    }

    @Test
    void ignoreValueAndIgnoreLeaseKeepTheOldOnes() {
        put("k", "v", LEASE);
        kv.put(PutRequest.newBuilder().setKey(b("k")).setIgnoreValue(true).setLease(78).build());
        assertEquals(kv("k", "v", 2, 3, 2, 78), range(rangeOf("k", null)).getKvs(0));
        kv.put(putOf("k", "new").setIgnoreLease(true).build());
        assertEquals(kv("k", "new", 2, 4, 3, 78), range(rangeOf("k", null)).getKvs(0));
        assertError(EtcdError.KEY_NOT_FOUND, () -> kv.put(PutRequest.newBuilder().setKey(b("missing")).setIgnoreValue(true).build()));
        assertError(EtcdError.KEY_NOT_FOUND, () -> kv.put(PutRequest.newBuilder().setKey(b("missing")).setIgnoreLease(true).build()));
        assertEquals(4, store.currentRevision(), "failed puts change nothing");
    }

    @Test
    void anUnknownLeaseIsRefused() {
        assertError(EtcdError.LEASE_NOT_FOUND, () -> put("k", "v", 5));
        assertEquals(1, store.currentRevision());
        assertEquals(2, put("k", "v", LEASE));
    }

    // ---- DeleteRange

    @Test
    void deleteRangeCountsAndReturnsPrevKvs() {
        sample();
        KvResult<DeleteRangeResponse> plain = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("fop")).build());
        assertEquals(1, plain.response().getDeleted());
        assertEquals(0, plain.response().getPrevKvsCount());
        assertEquals(7, plain.revision());
        KvResult<DeleteRangeResponse> prefix = kv.deleteRange(DeleteRangeRequest.newBuilder()
                .setKey(b("foo/")).setRangeEnd(b("foo0")).setPrevKv(true).build());
        assertEquals(2, prefix.response().getDeleted());
        assertEquals(List.of(kv("foo/a", "a2", 3, 6, 2, 0), kv("foo/b", "b", 4, 4, 1, 0)), prefix.response().getPrevKvsList());
        assertEquals(8, prefix.response().getHeader().getRevision());
        assertEquals(List.of(Event.EventType.DELETE, Event.EventType.DELETE), prefix.events().stream().map(Event::getType).toList());
        KvResult<DeleteRangeResponse> nothing = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("zzz")).build());
        assertEquals(0, nothing.response().getDeleted());
        assertEquals(8, nothing.revision(), "nothing deleted: no new revision");
        assertEquals(List.of("foo"), keys(range(rangeOf("\0", "\0"))));
    }

    // ---- Txn

    @Test
    void comparesOnEveryTarget() {
        put("k", "v", LEASE); // create 2
        put("k", "w", LEASE); // mod 3, version 2
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.VALUE, Compare.CompareResult.EQUAL).setValue(b("w"))));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.VALUE, Compare.CompareResult.GREATER).setValue(b("v"))));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.VALUE, Compare.CompareResult.LESS).setValue(b("x"))));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.VALUE, Compare.CompareResult.NOT_EQUAL).setValue(b("v"))));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL).setVersion(2)));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.CREATE, Compare.CompareResult.EQUAL).setCreateRevision(2)));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.MOD, Compare.CompareResult.GREATER).setModRevision(2)));
        assertTrue(txnSucceeds(compare("k", Compare.CompareTarget.LEASE, Compare.CompareResult.EQUAL).setLease(LEASE)));
        assertFalse(txnSucceeds(compare("k", Compare.CompareTarget.MOD, Compare.CompareResult.LESS).setModRevision(3)));
        assertFalse(txnSucceeds(compare("k", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL).setCreateRevision(2)),
                "an operand of another target counts as 0");
    }

    @Test
    void comparesOnMissingKeysAndRanges() {
        put("a1", "x");
        put("a2", "y");
        assertTrue(txnSucceeds(compare("missing", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL).setVersion(0)));
        assertTrue(txnSucceeds(compare("missing", Compare.CompareTarget.CREATE, Compare.CompareResult.EQUAL)));
        assertFalse(txnSucceeds(compare("missing", Compare.CompareTarget.VALUE, Compare.CompareResult.EQUAL).setValue(ByteString.EMPTY)),
                "a value compare on a missing key always fails");
        assertFalse(txnSucceeds(compare("missing", Compare.CompareTarget.VALUE, Compare.CompareResult.NOT_EQUAL).setValue(b("x"))));
        assertTrue(txnSucceeds(compare("a", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL).setVersion(1).setRangeEnd(b("b"))));
        assertFalse(txnSucceeds(compare("a", Compare.CompareTarget.VALUE, Compare.CompareResult.EQUAL).setValue(b("x")).setRangeEnd(b("b"))),
                "every key of the range must satisfy the compare");
        assertTrue(txnSucceeds(compare("a", Compare.CompareTarget.VALUE, Compare.CompareResult.NOT_EQUAL).setValue(b("z")).setRangeEnd(b("\0"))));
    }

    private boolean txnSucceeds(Compare.Builder compare) {
        KvResult<TxnResponse> result = kv.txn(TxnRequest.newBuilder().addCompare(compare).build());
        return result.response().getSucceeded();
    }

    @Test
    void aTransactionRunsItsBranchAtOneRevision() {
        put("k", "1");
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(compare("k", Compare.CompareTarget.VALUE, Compare.CompareResult.EQUAL).setValue(b("1")))
                .addSuccess(op(putOf("a", "A")))
                .addSuccess(op(rangeOf("a", null)))
                .addSuccess(op(putOf("b", "B").setPrevKv(true)))
                .addSuccess(op(DeleteRangeRequest.newBuilder().setKey(b("k")).setPrevKv(true)))
                .addFailure(op(putOf("never", "x")))
                .build();
        KvResult<TxnResponse> result = kv.txn(txn);
        TxnResponse r = result.response();
        assertTrue(r.getSucceeded());
        assertEquals(3, result.revision());
        assertEquals(ResponseHeader.newBuilder().setRevision(3).build(), r.getHeader());
        assertEquals(4, r.getResponsesCount());
        assertEquals(ResponseHeader.newBuilder().setRevision(3).build(), r.getResponses(0).getResponsePut().getHeader());
        RangeResponse ownRead = r.getResponses(1).getResponseRange();
        assertEquals(List.of(kv("a", "A", 3, 3, 1, 0)), ownRead.getKvsList(), "a range sees the txn's earlier put");
        assertEquals(3, ownRead.getHeader().getRevision());
        assertFalse(r.getResponses(2).getResponsePut().hasPrevKv());
        assertEquals(List.of(kv("k", "1", 2, 2, 1, 0)), r.getResponses(3).getResponseDeleteRange().getPrevKvsList());
        assertEquals(3, result.events().size());
        assertEquals(List.of("a", "b"), keys(range(rangeOf("\0", "\0"))));
        assertEquals(3, store.currentRevision());

        KvResult<TxnResponse> failed = kv.txn(txn);
        assertFalse(failed.response().getSucceeded());
        assertEquals(List.of(ResponseOp.ResponseCase.RESPONSE_PUT),
                failed.response().getResponsesList().stream().map(ResponseOp::getResponseCase).toList());
        assertEquals(4, failed.revision());
    }

    @Test
    void readOnlyAndUnchangingTransactionsKeepTheRevision() {
        put("k", "1");
        KvResult<TxnResponse> readOnly = kv.txn(TxnRequest.newBuilder().addSuccess(op(rangeOf("k", null))).build());
        assertEquals(2, readOnly.revision());
        assertEquals(2, readOnly.response().getHeader().getRevision());
        assertEquals(List.of(), readOnly.events());
        KvResult<TxnResponse> noChange = kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(DeleteRangeRequest.newBuilder().setKey(b("missing")))).build());
        assertEquals(2, noChange.revision());
        assertEquals(2, noChange.response().getResponses(0).getResponseDeleteRange().getHeader().getRevision());
        assertEquals(2, store.currentRevision());
    }

    @Test
    void nestedComparesSeeTheStateBeforeTheTransaction() {
        TxnRequest.Builder inner = TxnRequest.newBuilder()
                .addCompare(compare("k", Compare.CompareTarget.VALUE, Compare.CompareResult.EQUAL).setValue(b("1")))
                .addSuccess(op(putOf("then", "x")))
                .addFailure(op(putOf("else", "x")))
                .addFailure(op(rangeOf("k", null)));
        KvResult<TxnResponse> result = kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(putOf("k", "1")))
                .addSuccess(op(inner))
                .build());
        TxnResponse nested = result.response().getResponses(1).getResponseTxn();
        assertFalse(nested.getSucceeded(), "k did not exist before the transaction");
        assertTrue(nested.hasHeader());
        assertEquals(ResponseHeader.getDefaultInstance(), nested.getHeader(), "etcd leaves nested headers empty");
        assertEquals(List.of(kv("k", "1", 2, 2, 1, 0)), nested.getResponses(1).getResponseRange().getKvsList(),
                "but its operations see the earlier writes");
        assertEquals(List.of("else", "k"), keys(range(rangeOf("\0", "\0"))));
        assertEquals(2, result.revision(), "one revision for everything");
    }

    @Test
    void checksOfTheChosenBranchFailTheWholeTransaction() {
        put("k", "1");
        TxnRequest ignoreMissing = TxnRequest.newBuilder()
                .addSuccess(op(putOf("a", "A")))
                .addSuccess(op(PutRequest.newBuilder().setKey(b("missing")).setIgnoreValue(true)))
                .build();
        assertError(EtcdError.KEY_NOT_FOUND, () -> kv.txn(ignoreMissing));
        TxnRequest unknownLease = TxnRequest.newBuilder()
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(putOf("a", "A").setLease(5))))).build();
        assertError(EtcdError.LEASE_NOT_FOUND, () -> kv.txn(unknownLease));
        assertEquals(2, store.currentRevision());
        assertEquals(List.of("k"), keys(range(rangeOf("\0", "\0"))));
        TxnRequest onlyInTheOtherBranch = TxnRequest.newBuilder()
                .addCompare(compare("k", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL).setVersion(1))
                .addSuccess(op(putOf("a", "A")))
                .addFailure(op(PutRequest.newBuilder().setKey(b("missing")).setIgnoreValue(true)))
                .build();
        assertTrue(kv.txn(onlyInTheOtherBranch).response().getSucceeded());
    }

    @Test
    void rangeRevisionsInATransactionAreChecked() {
        put("k", "1");
        put("k", "2");
        assertError(EtcdError.FUTURE_REV, () -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(putOf("a", "A"))).addSuccess(op(rangeOf("k", null).setRevision(4))).build()));
        assertEquals(3, kv.txn(TxnRequest.newBuilder().addSuccess(op(rangeOf("k", null).setRevision(-1))).build())
                .response().getResponses(0).getResponseRange().getKvs(0).getModRevision(), "-1 is not below FirstRev -1: current");
        assertError(EtcdError.COMPACTED, () -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(rangeOf("k", null).setRevision(-2))).build()), "etcd: -2 is below FirstRev -1");
        kv.compact(CompactionRequest.newBuilder().setRevision(3).build());
        assertError(EtcdError.COMPACTED, () -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(rangeOf("k", null).setRevision(2))).build()));
        RangeResponse at3 = kv.txn(TxnRequest.newBuilder().addSuccess(op(rangeOf("k", null).setRevision(3))).build())
                .response().getResponses(0).getResponseRange();
        assertEquals(List.of(kv("k", "2", 2, 3, 2, 0)), at3.getKvsList());
        assertEquals(3, store.currentRevision());
    }

    @Test
    void aPutThatFailsMidTransactionAbortsIt() {
        // Validation lets this through (etcd reads the "\0" end as a string), the pre-check finds b,
        // but the delete removes b before the put reads it: etcd would crash; the txn is undone.
        put("b", "1");
        TxnRequest txn = TxnRequest.newBuilder()
                .addSuccess(op(DeleteRangeRequest.newBuilder().setKey(b("a")).setRangeEnd(b("\0"))))
                .addSuccess(op(PutRequest.newBuilder().setKey(b("b")).setIgnoreValue(true)))
                .build();
        KvRequests.validateTxn(txn, KvRequests.DEFAULT_MAX_TXN_OPS);
        assertError(EtcdError.KEY_NOT_FOUND, () -> kv.txn(txn));
        assertEquals(2, store.currentRevision());
        assertEquals(List.of(kv("b", "1", 2, 2, 1, 0)), range(rangeOf("\0", "\0")).getKvsList());
        assertEquals(3, put("c", "1"));
    }

    // ---- Compaction

    @Test
    void compactionAnswersWithTheCurrentRevisionAndFinishesAfterACommit() throws Exception {
        sample();
        CompactionResult result = kv.compact(CompactionRequest.newBuilder().setRevision(4).setPhysical(true).build());
        assertEquals(6, result.response().getHeader().getRevision());
        assertFalse(result.physicallyDone().isDone());
        store.commit(10, 2);
        result.physicallyDone().get(60, TimeUnit.SECONDS);
        assertEquals(4, store.compactRevision());
        assertError(EtcdError.COMPACTED, () -> kv.compact(CompactionRequest.newBuilder().setRevision(4).build()));
        assertError(EtcdError.FUTURE_REV, () -> kv.compact(CompactionRequest.newBuilder().setRevision(7).build()));
    }
}
