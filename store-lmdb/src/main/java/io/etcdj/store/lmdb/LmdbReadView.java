package io.etcdj.store.lmdb;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.KeyValueVisitor;
import io.etcdj.spi.store.ReadView;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * A read view is one LMDB read transaction, which sees the database as of its start however
 * long it lives. While it is open LMDB cannot reuse the pages it sees, so long-lived views make
 * the file grow under writes.
 *
 * <p>Reads are serialised per view: an LMDB transaction (and lmdbjava's buffers in it) may be
 * used by one thread at a time, though by any thread thanks to {@code MDB_NOTLS}. Threads that
 * want parallel reads open a view each.
 */
final class LmdbReadView implements ReadView {
    private final LmdbEnvironment environment;
    private final Txn<byte[]> txn;
    private final Consumer<LmdbReadView> onClose;
    private boolean closed;

    LmdbReadView(LmdbEnvironment environment, Consumer<LmdbReadView> onClose) {
        this.environment = environment;
        this.onClose = onClose;
        this.txn = environment.readTxn();
    }

    @Override
    public synchronized byte[] get(String bucket, byte[] key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        Dbi<byte[]> dbi = environment.bucket(bucket);
        if (key.length == 0 || key.length > Backend.MAX_KEY_BYTES) {
            return null; // LMDB rejects such keys, so none can be stored
        }
        return dbi.get(txn, key);
    }

    @Override
    public synchronized void scan(String bucket, byte[] from, byte[] to, KeyValueVisitor visitor) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(visitor, "visitor");
        ensureOpen();
        Dbi<byte[]> dbi = environment.bucket(bucket);
        if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return;
        }
        // LMDB cannot seek to a key longer than it can store: seek to its prefix, skip what is below.
        byte[] seek = from.length > Backend.MAX_KEY_BYTES ? Arrays.copyOf(from, Backend.MAX_KEY_BYTES) : from;
        try (Cursor<byte[]> cursor = dbi.openCursor(txn)) {
            boolean found = seek.length == 0 ? cursor.first() : cursor.get(seek, GetOp.MDB_SET_RANGE);
            for (; found; found = cursor.next()) {
                byte[] key = cursor.key();
                if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
                    return;
                }
                if (Arrays.compareUnsigned(key, from) >= 0 && !visitor.visit(key, cursor.val())) {
                    return;
                }
            }
        }
    }

    /** Ends the read transaction; safe to call more than once and from any thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            txn.close();
        }
        onClose.accept(this);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("read view is closed");
        }
    }
}
