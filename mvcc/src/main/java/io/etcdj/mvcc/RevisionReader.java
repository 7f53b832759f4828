package io.etcdj.mvcc;

import io.etcdj.spi.store.KeyValueVisitor;
import io.etcdj.spi.store.ReadView;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the {@code "key"} bucket as the union of the uncommitted {@link PendingWrites} and one
 * backend {@link ReadView}. An entry may be in both (committed after the pending instance was
 * taken); it is then the same entry and is read once.
 */
final class RevisionReader implements AutoCloseable {
    private final PendingWrites pending;
    private final ReadView view;

    RevisionReader(PendingWrites pending, ReadView view) {
        this.pending = pending;
        this.view = view;
    }

    /** The stored version at {@code rev} (a put, never a tombstone), or null when absent. */
    byte[] get(Revision rev) {
        byte[] key = rev.toBytes();
        byte[] value = pending.get(key);
        return value != null ? value : view.get(MvccStore.KEY_BUCKET, key);
    }

    /** Visits the entries with backend keys in {@code [from, to)} in revision order; {@code to == null}: to the end. */
    void scan(byte[] from, byte[] to, KeyValueVisitor visitor) {
        MergingVisitor merge = new MergingVisitor(pending.range(from, to).entrySet().iterator(), visitor);
        view.scan(MvccStore.KEY_BUCKET, from, to, merge);
        merge.finish();
    }

    @Override
    public void close() {
        view.close();
    }

    /** Feeds the target the backend's entries with the pending ones slotted in by key order. */
    private static final class MergingVisitor implements KeyValueVisitor {
        private final Iterator<Map.Entry<byte[], byte[]>> pending;
        private final KeyValueVisitor target;
        private Map.Entry<byte[], byte[]> next;
        private boolean stopped;

        MergingVisitor(Iterator<Map.Entry<byte[], byte[]>> pending, KeyValueVisitor target) {
            this.pending = pending;
            this.target = target;
            advance();
        }

        @Override
        public boolean visit(byte[] key, byte[] value) {
            while (next != null) {
                int order = Arrays.compareUnsigned(next.getKey(), key);
                if (order > 0) {
                    break;
                }
                if (order < 0 && !emit(next.getKey(), next.getValue())) {
                    return false;
                }
                advance();
            }
            return emit(key, value);
        }

        /** Visits the pending entries after the backend's last one. */
        void finish() {
            while (!stopped && next != null) {
                if (!emit(next.getKey(), next.getValue())) {
                    return;
                }
                advance();
            }
        }

        private boolean emit(byte[] key, byte[] value) {
            stopped = !target.visit(key, value);
            return !stopped;
        }

        private void advance() {
            next = pending.hasNext() ? pending.next() : null;
        }
    }
}
