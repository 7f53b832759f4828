package io.etcdj.store.rocks;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The native option objects one open database uses, built from {@link RocksSettings}. They must
 * outlive the database and are closed after it.
 */
final class RocksTuning implements AutoCloseable {
    private static final long MIB = 1024 * 1024;

    private final LRUCache blockCache;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions bucketOptions;
    private final WriteOptions writeOptions;
    private final CompactRangeOptions fullCompaction;

    RocksTuning(RocksSettings settings) {
        blockCache = new LRUCache(settings.blockCacheBytes());
        dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // Buckets are flushed together, so a crash can never leave one bucket's SST files
                // ahead of another's: recovery sees whole batches across buckets.
                .setAtomicFlush(true)
                // Replays the WAL up to the first damaged record and drops the rest: a torn tail
                // loses only unsynced batches, never half of one.
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setMaxBackgroundJobs(settings.maxBackgroundJobs())
                .setDbWriteBufferSize(settings.memtableBudgetBytes())
                .setMaxTotalWalSize(settings.maxWalBytes())
                .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
                .setMaxLogFileSize(8 * MIB)
                .setKeepLogFileNum(3)
                .setStatsDumpPeriodSec(0);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setBlockSize(16 * 1024);
        bucketOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(settings.writeBufferBytes())
                .setCompressionType(settings.compression())
                .setBottommostCompressionType(settings.compression())
                .setLevelCompactionDynamicLevelBytes(true)
                .setTableFormatConfig(table);
        // Not synced per commit: the server's WAL is the durable record, Backend.sync() fsyncs ours.
        writeOptions = new WriteOptions().setSync(false);
        fullCompaction = new CompactRangeOptions()
                .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForceOptimized);
    }

    DBOptions db() {
        return dbOptions;
    }

    ColumnFamilyOptions bucket() {
        return bucketOptions;
    }

    WriteOptions write() {
        return writeOptions;
    }

    /** Rewrites every level, dropping deleted data: what {@code defragment} asks for. */
    CompactRangeOptions fullCompaction() {
        return fullCompaction;
    }

    @Override
    public void close() {
        fullCompaction.close();
        writeOptions.close();
        bucketOptions.close();
        dbOptions.close();
        blockCache.close();
    }
}
