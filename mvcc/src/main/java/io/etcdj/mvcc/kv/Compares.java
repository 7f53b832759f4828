package io.etcdj.mvcc.kv;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.Compare;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.mvcc.KvView;
import io.etcdj.mvcc.RangeResult;
import io.etcdj.spi.server.EtcdException;
import java.util.List;

/** etcd's {@code applyCompares}: the guard of a transaction. */
final class Compares {
    private Compares() {
    }

    /** True when every compare holds (checked in order, stopping at the first that fails). */
    static boolean all(KvView view, List<Compare> compares) {
        for (Compare c : compares) {
            if (!holds(view, c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every key of the compare's range must satisfy it. With no key in the range a VALUE compare
     * fails, and the others compare a missing key's version, revisions and lease as 0. A range
     * that cannot be read (compacted) fails the compare.
     */
    static boolean holds(KvView view, Compare c) {
        RangeResult read;
        try {
            read = view.range(c.getKey(), RangeEnds.toStore(c.getRangeEnd()), 0, 0);
        } catch (EtcdException e) {
            return false;
        }
        if (read.kvs().isEmpty()) {
            return c.getTarget() != Compare.CompareTarget.VALUE && holds(c, KeyValue.getDefaultInstance());
        }
        for (KeyValue kv : read.kvs()) {
            if (!holds(c, kv)) {
                return false;
            }
        }
        return true;
    }

    /** etcd's {@code compareKV}; an operand of another target than the compare's counts as zero/empty. */
    private static boolean holds(Compare c, KeyValue kv) {
        int result = switch (c.getTarget()) {
            case VALUE -> ByteString.unsignedLexicographicalComparator().compare(kv.getValue(), c.getValue());
            case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
            case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
            case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
            case LEASE -> Long.compare(kv.getLease(), c.getLease());
            case UNRECOGNIZED -> 0;
        };
        return switch (c.getResult()) {
            case EQUAL -> result == 0;
            case NOT_EQUAL -> result != 0;
            case GREATER -> result > 0;
            case LESS -> result < 0;
            case UNRECOGNIZED -> true;
        };
    }
}
