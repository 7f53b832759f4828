package io.etcdj.store.rocks;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendProvider;
import java.io.IOException;
import org.rocksdb.RocksDB;

/**
 * The RocksDB backend, {@code --store=rocks}: etcdj's default store.
 *
 * <h2>Layout</h2>
 * One RocksDB database in the backend directory; each bucket is the column family of the same
 * name. Keys are ordered by RocksDB's bytewise comparator (unsigned lexicographic). A read view
 * is a RocksDB snapshot; a batch is a native write batch, applied atomically.
 *
 * <h2>Durability</h2>
 * Commits are written to RocksDB's WAL without fsync (the server's own WAL is the durable
 * record); {@code sync()} fsyncs the WAL. Buckets are flushed together ({@code atomic_flush}) and
 * the WAL is recovered to the last intact record ({@code PointInTimeRecovery}), so a crash never
 * exposes part of a batch. {@code close()} syncs.
 *
 * <h2>Settings ({@code --store-opt key=value})</h2>
 * Sized for a metadata store of up to a few GiB.
 * <table>
 *   <caption>RocksDB store options</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code block-cache-bytes}</td><td>33554432 (32 MiB)</td>
 *       <td>LRU cache of uncompressed SST blocks, shared by all buckets</td></tr>
 *   <tr><td>{@code compression}</td><td>{@code lz4}</td>
 *       <td>SST block compression: {@code none}, {@code lz4}, {@code zstd} or {@code snappy}</td></tr>
 *   <tr><td>{@code max-background-jobs}</td><td>2</td><td>threads for flushes and compactions</td></tr>
 *   <tr><td>{@code write-buffer-bytes}</td><td>16777216 (16 MiB)</td>
 *       <td>memtable size of one bucket before it is flushed to an SST file</td></tr>
 *   <tr><td>{@code memtable-budget-bytes}</td><td>67108864 (64 MiB)</td>
 *       <td>memory all memtables together may use ({@code db_write_buffer_size})</td></tr>
 *   <tr><td>{@code max-wal-bytes}</td><td>67108864 (64 MiB)</td>
 *       <td>WAL size that forces a flush so old WAL files can be deleted ({@code max_total_wal_size})</td></tr>
 * </table>
 * Fixed settings: 16 KiB blocks, dynamic level sizing, RocksDB's text log ({@code LOG}) at INFO,
 * rotated at 8 MiB with 3 old files kept, statistics dumps off. Unknown keys are rejected.
 *
 * <h2>Sizes and defragment</h2>
 * {@code dbSize} is the size of the directory's data files (SST, WAL, MANIFEST, OPTIONS);
 * {@code dbSizeInUse} is RocksDB's estimate of live SST data plus the memtables. Compaction runs
 * in the background; {@code defragment()} additionally forces a full compaction of every bucket,
 * which drops deleted data at once.
 *
 * <h2>Native library</h2>
 * {@code RocksDB.loadLibrary()} first tries {@code librocksdbjni.so} and
 * {@code librocksdbjni-linux64.so} on {@code java.library.path}, and otherwise extracts the
 * library for this platform from the rocksdbjni jar into {@code java.io.tmpdir} (or
 * {@code $ROCKSDB_SHAREDLIB_DIR}). A distribution can therefore ship the one {@code .so} it needs
 * in its {@code lib/} directory and start the JVM with {@code -Djava.library.path=lib}. On JDK 22+
 * pass {@code --enable-native-access=rocksdbjni} to silence the restricted-method warning.
 */
public final class RocksBackendProvider implements BackendProvider {
    /** Does nothing, as {@link io.etcdj.spi.NamedProvider} requires; the native library loads at open. */
    public RocksBackendProvider() {
    }

    @Override
    public String name() {
        return "rocks";
    }

    @Override
    public String description() {
        return "RocksDB (LSM tree, column family per bucket); the default store";
    }

    @Override
    public Backend open(BackendConfig config) throws IOException {
        loadNativeLibrary();
        return RocksBackend.open(config);
    }

    private static void loadNativeLibrary() throws IOException {
        try {
            RocksDB.loadLibrary();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IOException("rocks store: cannot load RocksDB's native library (see java.library.path"
                    + " and java.io.tmpdir): " + e, e);
        }
    }
}
