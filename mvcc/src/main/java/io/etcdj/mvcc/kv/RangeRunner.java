package io.etcdj.mvcc.kv;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.api.etcdserverpb.ResponseHeader;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.mvcc.KvView;
import io.etcdj.mvcc.RangeResult;
import io.etcdj.spi.server.EtcdError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** etcd's {@code applierV3backend.Range}: every option of a {@link RangeRequest} over a {@link KvView}. */
final class RangeRunner {
    private static final Comparator<ByteString> BYTES =
            ByteString.unsignedLexicographicalComparator();

    private RangeRunner() {
    }

    /**
     * Reads the range. As etcd: with a sort order or a revision filter every key is read, then
     * filtered, sorted and cut to the limit; otherwise one more than the limit is read to learn
     * {@code more}. {@code count} is the number of keys in the range before filters. A sort target
     * other than KEY with order NONE sorts ascending (of the possibly limited read, as etcd does).
     * Sorting is stable where etcd's is not, so ties keep key order.
     */
    static RangeResponse run(KvView view, RangeRequest r) {
        long limit = r.getLimit();
        if (r.getSortOrder() != RangeRequest.SortOrder.NONE
                || r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0) {
            limit = 0;
        }
        if (limit > 0) {
            limit++;
        }
        ByteString end = RangeEnds.toStore(r.getRangeEnd());
        RangeResult read = r.getCountOnly()
                ? view.count(r.getKey(), end, r.getRevision())
                : view.range(r.getKey(), end, r.getRevision(), limit);

        List<KeyValue> kvs = new ArrayList<>(read.kvs());
        if (r.getMaxModRevision() != 0) {
            kvs.removeIf(kv -> kv.getModRevision() > r.getMaxModRevision());
        }
        if (r.getMinModRevision() != 0) {
            kvs.removeIf(kv -> kv.getModRevision() < r.getMinModRevision());
        }
        if (r.getMaxCreateRevision() != 0) {
            kvs.removeIf(kv -> kv.getCreateRevision() > r.getMaxCreateRevision());
        }
        if (r.getMinCreateRevision() != 0) {
            kvs.removeIf(kv -> kv.getCreateRevision() < r.getMinCreateRevision());
        }

        RangeRequest.SortOrder order = r.getSortOrder();
        if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order == RangeRequest.SortOrder.ASCEND) {
            kvs.sort(comparator(r.getSortTarget()));
        } else if (order == RangeRequest.SortOrder.DESCEND) {
            kvs.sort(comparator(r.getSortTarget()).reversed());
        }

        boolean more = false;
        if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
            kvs = kvs.subList(0, (int) r.getLimit());
            more = true;
        }
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(read.revision()))
                .setMore(more)
                .setCount(read.count());
        for (KeyValue kv : kvs) {
            response.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return response.build();
    }

    private static Comparator<KeyValue> comparator(RangeRequest.SortTarget target) {
        return switch (target) {
            case KEY -> Comparator.comparing(KeyValue::getKey, BYTES);
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> Comparator.comparing(KeyValue::getValue, BYTES);
            case UNRECOGNIZED -> throw EtcdError.INVALID_SORT_OPTION.exception();
        };
    }
}
