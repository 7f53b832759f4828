package io.etcdj.mvcc;

import io.etcdj.api.mvccpb.KeyValue;
import java.util.List;

/**
 * What {@link WriteTxn#deleteRange} did.
 *
 * @param deleted  number of keys deleted
 * @param prevKvs  the deleted pairs as they were, in key order, when asked for (else empty)
 * @param revision the revision the change is reported at: the transaction's revision if it has
 *                 changed anything so far, else the unchanged store revision (etcd's rule)
 */
public record DeleteResult(long deleted, List<KeyValue> prevKvs, long revision) {
    public DeleteResult {
        prevKvs = List.copyOf(prevKvs);
    }
}
