package io.etcdj.mvcc;

import io.etcdj.api.mvccpb.KeyValue;
import java.util.List;

/**
 * What a range read returns (etcd's {@code mvcc.RangeResult}).
 *
 * @param kvs      the pairs read, in key order, at most the requested limit (empty for a count)
 * @param count    how many keys the range holds at the revision read, regardless of the limit
 * @param revision the revision of the store (or of the write transaction) the read was served
 *                 from; etcd reports it in the response header even when an older revision was
 *                 asked for
 */
public record RangeResult(List<KeyValue> kvs, long count, long revision) {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
