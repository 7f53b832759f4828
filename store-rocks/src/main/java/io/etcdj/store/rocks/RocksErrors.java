package io.etcdj.store.rocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.rocksdb.RocksDBException;

/** Turns RocksDB's exceptions into the I/O exceptions the backend SPI speaks. */
final class RocksErrors {
    private RocksErrors() {
    }

    static IOException io(String what, RocksDBException e) {
        return new IOException("rocks store: " + what + " failed: " + e.getMessage(), e);
    }

    /** For SPI methods that declare no checked exception (reads, stats). */
    static UncheckedIOException unchecked(String what, RocksDBException e) {
        return new UncheckedIOException(io(what, e));
    }
}
