package io.etcdj.store.rocks;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.rocksdb.CompressionType;

/**
 * The tunable settings of the RocksDB backend, read from {@code --store-opt key=value}. The keys
 * and defaults are documented in {@link RocksBackendProvider}.
 *
 * @param blockCacheBytes     size of the LRU block cache shared by all buckets
 * @param compression         compression of SST blocks
 * @param maxBackgroundJobs   flush and compaction threads
 * @param writeBufferBytes    memtable size of one bucket before it is flushed
 * @param memtableBudgetBytes memory all buckets' memtables may take together
 * @param maxWalBytes         WAL size that forces the buckets holding the oldest WAL to flush
 */
record RocksSettings(long blockCacheBytes, CompressionType compression, int maxBackgroundJobs,
                     long writeBufferBytes, long memtableBudgetBytes, long maxWalBytes) {
    static final String BLOCK_CACHE = "block-cache-bytes";
    static final String COMPRESSION = "compression";
    static final String BACKGROUND_JOBS = "max-background-jobs";
    static final String WRITE_BUFFER = "write-buffer-bytes";
    static final String MEMTABLE_BUDGET = "memtable-budget-bytes";
    static final String MAX_WAL = "max-wal-bytes";

    private static final long MIB = 1024 * 1024;
    private static final Set<String> KEYS =
            Set.of(BLOCK_CACHE, COMPRESSION, BACKGROUND_JOBS, WRITE_BUFFER, MEMTABLE_BUDGET, MAX_WAL);
    private static final Map<String, CompressionType> COMPRESSIONS = Map.of(
            "none", CompressionType.NO_COMPRESSION,
            "lz4", CompressionType.LZ4_COMPRESSION,
            "zstd", CompressionType.ZSTD_COMPRESSION,
            "snappy", CompressionType.SNAPPY_COMPRESSION);

    /**
     * Reads the settings, applying defaults for absent keys.
     *
     * @throws IllegalArgumentException for an unknown key or a malformed value (the message says which)
     */
    static RocksSettings from(Map<String, String> options) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown rocks store option(s) " + unknown + "; known: " + new TreeSet<>(KEYS));
        }
        Map<String, String> opts = new HashMap<>(options);
        return new RocksSettings(
                positive(opts, BLOCK_CACHE, 32 * MIB),
                compression(opts.getOrDefault(COMPRESSION, "lz4")),
                (int) Math.min(Integer.MAX_VALUE, positive(opts, BACKGROUND_JOBS, 2)),
                positive(opts, WRITE_BUFFER, 16 * MIB),
                positive(opts, MEMTABLE_BUDGET, 64 * MIB),
                positive(opts, MAX_WAL, 64 * MIB));
    }

    private static long positive(Map<String, String> opts, String key, long defaultValue) {
        String text = opts.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the key
        }
        throw new IllegalArgumentException("rocks store option " + key + " must be a positive integer, got '" + text + "'");
    }

    private static CompressionType compression(String name) {
        CompressionType type = COMPRESSIONS.get(name.trim().toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new IllegalArgumentException("rocks store option " + COMPRESSION + " must be one of "
                    + new TreeSet<>(COMPRESSIONS.keySet()) + ", got '" + name + "'");
        }
        return type;
    }
}
