package io.etcdj.mvcc.kv;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.DeleteRangeRequest;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.spi.server.EtcdError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd's {@code checkIntervals}: within one branch of a transaction (nested transactions
 * included) no key may be put twice, nor put when a delete of the branch covers it. Then and else
 * branches of one nested transaction may put the same key, as only one of them runs. Deletes may
 * overlap each other.
 *
 * <p>The checks follow etcd's order exactly, including what it misses: a nested transaction's puts
 * are checked against the deletes of its level and of the nested transactions before it, not
 * after it; and delete intervals are compared as strings with an empty end meaning "no end", so a
 * delete with range end {@code "\0"} (every key from its key on) covers no put.
 */
final class TxnIntervals {
    private static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    /** A delete's key interval {@code [begin, end)}; an empty end is unbounded. */
    private record Interval(ByteString begin, ByteString end) {
        static Interval of(DeleteRangeRequest d) {
            // etcd: a point delete is [key, key + "\0").
            return new Interval(d.getKey(),
                    d.getRangeEnd().isEmpty() ? d.getKey().concat(ByteString.copyFrom(new byte[] {0})) : d.getRangeEnd());
        }

        boolean contains(ByteString key) {
            return ORDER.compare(key, begin) >= 0 && (end.isEmpty() || ORDER.compare(key, end) < 0);
        }
    }

    /** What a list of operations puts and deletes, for its parent's checks. */
    private record Writes(Set<ByteString> puts, List<Interval> deletes) {
        boolean deletes(ByteString key) {
            return deletes.stream().anyMatch(d -> d.contains(key));
        }
    }

    private TxnIntervals() {
    }

    static void check(List<RequestOp> ops) {
        writesOf(ops);
    }

    private static Writes writesOf(List<RequestOp> ops) {
        Writes level = new Writes(new HashSet<>(), new ArrayList<>());
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                level.deletes().add(Interval.of(op.getRequestDeleteRange()));
            }
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            TxnRequest nested = op.getRequestTxn();
            Writes then = writesOf(nested.getSuccessList());
            Writes otherwise = writesOf(nested.getFailureList());
            for (ByteString key : then.puts()) {
                if (level.puts().contains(key) || level.deletes(key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                level.puts().add(key);
            }
            for (ByteString key : otherwise.puts()) {
                if (level.puts().contains(key) && !then.puts().contains(key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                if (level.deletes(key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                level.puts().add(key);
            }
            // etcd merges them with Union(nested, ["\0", "")), which can only drop intervals that
            // contain no key anyway (those ending at "\0").
            level.deletes().addAll(then.deletes());
            level.deletes().addAll(otherwise.deletes());
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestPut()) {
                continue;
            }
            ByteString key = op.getRequestPut().getKey();
            if (level.puts().contains(key) || level.deletes(key)) {
                throw EtcdError.DUPLICATE_KEY.exception();
            }
            level.puts().add(key);
        }
        return level;
    }
}
