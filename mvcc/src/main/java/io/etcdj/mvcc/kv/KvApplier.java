package io.etcdj.mvcc.kv;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.CompactionRequest;
import io.etcdj.api.etcdserverpb.CompactionResponse;
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
import io.etcdj.mvcc.DeleteResult;
import io.etcdj.mvcc.KvView;
import io.etcdj.mvcc.MvccStore;
import io.etcdj.mvcc.ReadTxn;
import io.etcdj.mvcc.WriteTxn;
import io.etcdj.spi.server.EtcdError;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * etcd's KV request semantics ({@code etcdserver/apply.go}, {@code applierV3backend}) over an
 * {@link MvccStore}. Requests are assumed valid ({@link KvRequests}); errors are thrown as
 * {@link io.etcdj.spi.server.EtcdException} and leave the store unchanged.
 *
 * <p>Responses carry a header holding only the revision, as etcd's applier leaves them (nested
 * responses of a transaction keep exactly that; the server fills cluster, member and term of the
 * top-level header).
 *
 * <p>Threads: {@link #range} and read-only transactions may run on any thread; every request that
 * can write ({@link #put}, {@link #deleteRange}, {@link #txn} with writes, {@link #compact}) runs
 * on the store's writer thread.
 */
public final class KvApplier {
    private final MvccStore store;
    private final LeaseChecker leases;

    public KvApplier(MvccStore store, LeaseChecker leases) {
        this.store = Objects.requireNonNull(store, "store");
        this.leases = Objects.requireNonNull(leases, "leases");
    }

    /** A range at one consistent revision. */
    public RangeResponse range(RangeRequest r) {
        try (ReadTxn txn = store.beginRead()) {
            return RangeRunner.run(txn, r);
        }
    }

    /**
     * A put in its own write transaction: LEASE_NOT_FOUND for an unknown lease, KEY_NOT_FOUND for
     * ignore_value or ignore_lease on a missing key.
     */
    public KvResult<PutResponse> put(PutRequest r) {
        if (r.getLease() != 0 && !leases.exists(r.getLease())) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        try (WriteTxn txn = store.beginWrite()) {
            PutResponse response = put(txn, r);
            List<Event> events = txn.end();
            return new KvResult<>(response, response.getHeader().getRevision(), events);
        }
    }

    /** A delete of a key or range in its own write transaction (no revision if nothing was deleted). */
    public KvResult<DeleteRangeResponse> deleteRange(DeleteRangeRequest r) {
        try (WriteTxn txn = store.beginWrite()) {
            DeleteRangeResponse response = deleteRange(txn, r);
            List<Event> events = txn.end();
            return new KvResult<>(response, response.getHeader().getRevision(), events);
        }
    }

    /**
     * A transaction: compares (nested ones too) are evaluated first; then, for a transaction that
     * can write, every put of the chosen branches is checked (KEY_NOT_FOUND for ignore_value or
     * ignore_lease on a missing key, LEASE_NOT_FOUND) and, for every transaction, every range's
     * revision (FUTURE_REV, COMPACTED); then the operations run in order in one write transaction
     * (one revision, only if something changed). A read-only transaction
     * ({@link KvRequests#isReadOnly}) reads at one revision and changes nothing.
     */
    public KvResult<TxnResponse> txn(TxnRequest r) {
        if (KvRequests.isReadOnly(r)) {
            try (ReadTxn txn = store.beginRead()) {
                TxnPlan plan = TxnPlan.of(txn, r);
                checkOps(r, plan, op -> checkRange(txn, op));
                TxnResponse response = apply(txn, r, plan, header(txn.revision()));
                return new KvResult<>(response, txn.revision(), List.of());
            }
        }
        try (WriteTxn txn = store.beginWrite()) {
            TxnPlan plan = TxnPlan.of(txn, r);
            checkOps(r, plan, op -> checkPut(txn, op));
            checkOps(r, plan, op -> checkRange(txn, op));
            // The response's header revision is only known once every operation has run.
            TxnResponse body = apply(txn, r, plan, ResponseHeader.getDefaultInstance());
            long revision = txn.hasChanges() ? txn.revision() + 1 : txn.revision();
            List<Event> events = txn.end();
            TxnResponse response = body.toBuilder().setHeader(header(revision)).build();
            return new KvResult<>(response, revision, events);
        }
    }

    /**
     * Compacts at {@code r.revision} (COMPACTED at or below the compaction revision, FUTURE_REV
     * above the current one). The physical deletion starts after the store's next commit.
     */
    public CompactionResult compact(CompactionRequest r) {
        CompletableFuture<Void> physical = store.compact(r.getRevision());
        CompactionResponse response = CompactionResponse.newBuilder()
                .setHeader(header(store.currentRevision()))
                .build();
        return new CompactionResult(response, physical);
    }

    // ---- operations inside a transaction

    private PutResponse put(WriteTxn txn, PutRequest r) {
        ByteString value = r.getValue();
        long lease = r.getLease();
        KeyValue previous = null;
        if (r.getIgnoreValue() || r.getIgnoreLease() || r.getPrevKv()) {
            List<KeyValue> found = txn.range(r.getKey(), null, 0, 0).kvs();
            previous = found.isEmpty() ? null : found.get(0);
        }
        if ((r.getIgnoreValue() || r.getIgnoreLease()) && previous == null) {
            throw EtcdError.KEY_NOT_FOUND.exception();
        }
        if (r.getIgnoreValue()) {
            value = previous.getValue();
        }
        if (r.getIgnoreLease()) {
            lease = previous.getLease();
        }
        PutResponse.Builder response = PutResponse.newBuilder();
        if (r.getPrevKv() && previous != null) {
            response.setPrevKv(previous);
        }
        long revision = txn.put(r.getKey(), value, lease);
        return response.setHeader(header(revision)).build();
    }

    private static DeleteRangeResponse deleteRange(WriteTxn txn, DeleteRangeRequest r) {
        DeleteResult result = txn.deleteRange(r.getKey(), RangeEnds.toStore(r.getRangeEnd()), r.getPrevKv());
        return DeleteRangeResponse.newBuilder()
                .setHeader(header(result.revision()))
                .setDeleted(result.deleted())
                .addAllPrevKvs(result.prevKvs())
                .build();
    }

    /** Runs the chosen branch of {@code r} (and of its nested transactions) in order. */
    private TxnResponse apply(KvView view, TxnRequest r, TxnPlan plan, ResponseHeader header) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setHeader(header).setSucceeded(plan.succeeded());
        Iterator<TxnPlan> nested = plan.nested().iterator();
        for (RequestOp op : plan.ops(r)) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(RangeRunner.run(view, op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(put(writer(view), op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> result.setResponseDeleteRange(deleteRange(writer(view), op.getRequestDeleteRange()));
                // etcd leaves a nested transaction's header empty.
                case REQUEST_TXN -> result.setResponseTxn(
                        apply(view, op.getRequestTxn(), nested.next(), ResponseHeader.getDefaultInstance()));
                case REQUEST_NOT_SET -> {
                    // Refused by validation (KEY_NOT_FOUND); etcd answers such an op with nothing.
                }
            }
            response.addResponses(result);
        }
        return response.build();
    }

    private static WriteTxn writer(KvView view) {
        if (view instanceof WriteTxn txn) {
            return txn;
        }
        throw new IllegalStateException("a write operation in a read-only transaction");
    }

    /** etcd's {@code checkRequests}: applies {@code check} to every non-transaction op the plan runs. */
    private static void checkOps(TxnRequest r, TxnPlan plan, Consumer<RequestOp> check) {
        Iterator<TxnPlan> nested = plan.nested().iterator();
        for (RequestOp op : plan.ops(r)) {
            if (op.hasRequestTxn()) {
                checkOps(op.getRequestTxn(), nested.next(), check);
            } else {
                check.accept(op);
            }
        }
    }

    /** etcd's {@code checkRequestPut}, against the state before the transaction. */
    private void checkPut(KvView view, RequestOp op) {
        if (!op.hasRequestPut()) {
            return;
        }
        PutRequest put = op.getRequestPut();
        if ((put.getIgnoreValue() || put.getIgnoreLease()) && view.range(put.getKey(), null, 0, 0).kvs().isEmpty()) {
            throw EtcdError.KEY_NOT_FOUND.exception();
        }
        if (put.getLease() != 0 && !leases.exists(put.getLease())) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
    }

    /**
     * etcd's {@code checkRequestRange}: a range revision other than 0 must lie in
     * [compaction revision, current revision] (so a negative one is COMPACTED, as in etcd).
     */
    private static void checkRange(KvView view, RequestOp op) {
        if (!op.hasRequestRange()) {
            return;
        }
        long revision = op.getRequestRange().getRevision();
        if (revision == 0) {
            return;
        }
        if (revision > view.revision()) {
            throw EtcdError.FUTURE_REV.exception();
        }
        if (revision < view.compactRevision()) {
            throw EtcdError.COMPACTED.exception();
        }
    }

    private static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }
}
