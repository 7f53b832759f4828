package io.etcdj.store.lmdb;

import io.etcdj.spi.store.BackendStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * One open LMDB environment and the named database of each bucket.
 *
 * <p>Buffers are plain byte arrays ({@link ByteArrayProxy}): every key and value crosses into Java
 * as a fresh copy, which the SPI wants anyway, and lmdbjava's Unsafe-based buffer proxies (which
 * need {@code --add-opens}) are never loaded.
 */
final class LmdbEnvironment implements AutoCloseable {
    static final String DATA_FILE = "data.mdb";

    private final Path directory;
    private final Env<byte[]> env;
    private final Map<String, Dbi<byte[]>> buckets;

    private LmdbEnvironment(Path directory, Env<byte[]> env, Map<String, Dbi<byte[]>> buckets) {
        this.directory = directory;
        this.env = env;
        this.buckets = buckets;
    }

    /** Opens the environment in {@code directory} and every bucket's database, creating what is missing. */
    static LmdbEnvironment open(Path directory, List<String> bucketNames, LmdbSettings settings) throws IOException {
        Env<byte[]> env = openEnv(directory, bucketNames.size(), settings);
        try {
            // Frees reader slots that processes which died with open read transactions left behind.
            env.readerCheck();
            Map<String, Dbi<byte[]>> buckets = new LinkedHashMap<>();
            for (String bucket : bucketNames) {
                buckets.put(bucket, env.openDbi(bucket, DbiFlags.MDB_CREATE));
            }
            return new LmdbEnvironment(directory, env, buckets);
        } catch (LmdbException e) {
            env.close();
            throw new IOException("lmdb store: cannot open the buckets in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Env<byte[]> openEnv(Path directory, int bucketCount, LmdbSettings settings) throws IOException {
        try {
            return Env.create(ByteArrayProxy.PROXY_BA)
                    .setMapSize(settings.mapSizeBytes())
                    .setMaxDbs(Math.max(1, bucketCount))
                    .setMaxReaders(settings.maxReaders())
                    // MDB_NOTLS: a read transaction is a read view, which any thread may use and close.
                    // MDB_NOSYNC: commits are not fsynced (Backend.sync() does it). Without MDB_WRITEMAP
                    // LMDB then stays atomic and consistent and only loses the latest commits on a
                    // machine crash; MDB_NOMETASYNC would add nothing, as no commit syncs at all.
                    .open(directory.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC);
        } catch (LinkageError e) {
            throw LmdbNative.notLoaded(e);
        } catch (LmdbException e) {
            throw new IOException("lmdb store: cannot open " + directory + " (corrupt or not an LMDB environment?): "
                    + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException for a bucket the backend was not opened with */
    Dbi<byte[]> bucket(String name) {
        Dbi<byte[]> dbi = buckets.get(name);
        if (dbi == null) {
            throw new IllegalArgumentException("unknown bucket '" + name + "'; open buckets: " + buckets.keySet());
        }
        return dbi;
    }

    Txn<byte[]> readTxn() {
        return env.txnRead();
    }

    Txn<byte[]> writeTxn() {
        return env.txnWrite();
    }

    long mapSize() {
        return env.info().mapSize;
    }

    void sync() {
        env.sync(true);
    }

    /** Writes a compacted copy (free pages dropped) of the environment into the empty directory {@code target}. */
    void copyCompacted(Path target) {
        env.copy(target.toFile(), CopyFlags.MDB_CP_COMPACT);
    }

    /**
     * {@code sizeBytes} is the data file's length; {@code sizeInUseBytes} counts the pages of every
     * database (the bucket directory and each bucket) and the two meta pages, leaving out free
     * pages and the free-page list.
     */
    BackendStats stats() throws IOException {
        long size = Files.size(directory.resolve(DATA_FILE));
        Stat directoryStat = env.stat();
        long pages = 2 + pages(directoryStat);
        try (Txn<byte[]> txn = env.txnRead()) {
            for (Dbi<byte[]> dbi : buckets.values()) {
                pages += pages(dbi.stat(txn));
            }
        }
        return new BackendStats(size, Math.min(size, pages * directoryStat.pageSize));
    }

    private static long pages(Stat stat) {
        return stat.branchPages + stat.leafPages + stat.overflowPages;
    }

    @Override
    public void close() {
        env.close();
    }
}
