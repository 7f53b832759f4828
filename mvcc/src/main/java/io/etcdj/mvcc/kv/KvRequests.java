package io.etcdj.mvcc.kv;

import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.PutRequest;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.spi.server.EtcdError;

/**
 * etcd's checks of KV requests before they are proposed ({@code v3rpc/key.go}). Each method
 * throws the {@link io.etcdj.spi.server.EtcdException} etcd would answer, or returns normally.
 */
public final class KvRequests {
    /** etcd's default {@code --max-txn-ops}. */
    public static final int DEFAULT_MAX_TXN_OPS = 128;

    private KvRequests() {
    }

    /**
     * An empty key is refused. Beyond etcd 3.4 (which crashes on them while sorting), sort orders
     * and targets outside the enums are refused with INVALID_SORT_OPTION, as etcd 3.5 does.
     */
    public static void validateRange(RangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
        if (r.getSortOrder() == RangeRequest.SortOrder.UNRECOGNIZED
                || r.getSortTarget() == RangeRequest.SortTarget.UNRECOGNIZED) {
            throw EtcdError.INVALID_SORT_OPTION.exception();
        }
    }

    /** An empty key, a value with ignore_value, or a lease with ignore_lease is refused. */
    public static void validatePut(PutRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
        if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
            throw EtcdError.VALUE_PROVIDED.exception();
        }
        if (r.getIgnoreLease() && r.getLease() != 0) {
            throw EtcdError.LEASE_PROVIDED.exception();
        }
    }

    /** An empty key is refused. */
    public static void validateDeleteRange(DeleteRangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
    }

    /**
     * etcd's {@code checkTxnRequest} then {@code checkIntervals} on both branches: more compares,
     * success or failure operations than {@code maxTxnOps} (nested transactions get what their
     * parent leaves) is TOO_MANY_OPS; a compare on an empty key, or any invalid operation, fails as
     * that operation would; an empty operation is KEY_NOT_FOUND; two puts of one key, or a put
     * of a key a delete in the same branch covers, is DUPLICATE_KEY.
     */
    public static void validateTxn(TxnRequest r, int maxTxnOps) {
        checkTxn(r, maxTxnOps);
        TxnIntervals.check(r.getSuccessList());
        TxnIntervals.check(r.getFailureList());
    }

    private static void checkTxn(TxnRequest r, int maxTxnOps) {
        int ops = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
        if (ops > maxTxnOps) {
            throw EtcdError.TOO_MANY_OPS.exception();
        }
        for (Compare c : r.getCompareList()) {
            if (c.getKey().isEmpty()) {
                throw EtcdError.EMPTY_KEY.exception();
            }
        }
        for (RequestOp op : r.getSuccessList()) {
            checkOp(op, maxTxnOps - ops);
        }
        for (RequestOp op : r.getFailureList()) {
            checkOp(op, maxTxnOps - ops);
        }
    }

    private static void checkOp(RequestOp op, int maxTxnOps) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> validateRange(op.getRequestRange());
            case REQUEST_PUT -> validatePut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> validateDeleteRange(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxn(op.getRequestTxn(), maxTxnOps);
            case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.exception();
        }
    }

    /**
     * Whether etcd serves the transaction without Raft: every top-level operation of both branches
     * is a range (a nested transaction counts as a write, as in etcd's {@code isTxnReadonly}).
     */
    public static boolean isReadOnly(TxnRequest r) {
        return r.getSuccessList().stream().allMatch(RequestOp::hasRequestRange)
                && r.getFailureList().stream().allMatch(RequestOp::hasRequestRange);
    }
}
