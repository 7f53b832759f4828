package io.etcdj.mvcc.kv;

import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.mvcc.KvView;
import java.util.ArrayList;
import java.util.List;

/**
 * Which branch a transaction takes, and recursively which branch each nested transaction of that
 * branch takes (etcd's {@code txnPath}). Every compare, nested ones included, is evaluated
 * against the state before any operation of the transaction runs, as etcd does.
 *
 * @param nested the plans of the nested transactions among the chosen operations, in order
 */
record TxnPlan(boolean succeeded, List<TxnPlan> nested) {
    static TxnPlan of(KvView view, TxnRequest r) {
        boolean succeeded = Compares.all(view, r.getCompareList());
        List<TxnPlan> nested = new ArrayList<>();
        for (RequestOp op : branch(r, succeeded)) {
            if (op.hasRequestTxn()) {
                nested.add(of(view, op.getRequestTxn()));
            }
        }
        return new TxnPlan(succeeded, nested);
    }

    /** The operations this plan runs of {@code r}. */
    List<RequestOp> ops(TxnRequest r) {
        return branch(r, succeeded);
    }

    private static List<RequestOp> branch(TxnRequest r, boolean succeeded) {
        return succeeded ? r.getSuccessList() : r.getFailureList();
    }
}
