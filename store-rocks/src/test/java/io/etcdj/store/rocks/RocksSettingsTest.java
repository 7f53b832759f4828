package io.etcdj.store.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;

class RocksSettingsTest {
    @Test
    void defaultsSuitASmallMetadataStore() {
        RocksSettings settings = RocksSettings.from(Map.of());
        assertEquals(32L << 20, settings.blockCacheBytes());
        assertEquals(CompressionType.LZ4_COMPRESSION, settings.compression());
        assertEquals(2, settings.maxBackgroundJobs());
        assertEquals(16L << 20, settings.writeBufferBytes());
        assertEquals(64L << 20, settings.memtableBudgetBytes());
        assertEquals(64L << 20, settings.maxWalBytes());
    }

    @Test
    void optionsOverrideDefaults() {
        RocksSettings settings = RocksSettings.from(Map.of(
                "block-cache-bytes", "1048576", "compression", "ZSTD", "max-background-jobs", " 4 ",
                "write-buffer-bytes", "4194304", "memtable-budget-bytes", "8388608", "max-wal-bytes", "1000"));
        assertEquals(1048576, settings.blockCacheBytes());
        assertEquals(CompressionType.ZSTD_COMPRESSION, settings.compression());
        assertEquals(4, settings.maxBackgroundJobs());
        assertEquals(4194304, settings.writeBufferBytes());
        assertEquals(8388608, settings.memtableBudgetBytes());
        assertEquals(1000, settings.maxWalBytes());
        assertEquals(CompressionType.NO_COMPRESSION, RocksSettings.from(Map.of("compression", "none")).compression());
    }

    @Test
    void unknownKeysAreRejectedWithTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> RocksSettings.from(Map.of("blok-cache-bytes", "1")));
        assertTrue(e.getMessage().contains("blok-cache-bytes") && e.getMessage().contains("block-cache-bytes"), e.getMessage());
    }

    @Test
    void malformedValuesAreRejectedWithTheirKey() {
        for (String bad : new String[] {"0", "-5", "lots", ""}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> RocksSettings.from(Map.of("write-buffer-bytes", bad)));
            assertTrue(e.getMessage().contains("write-buffer-bytes"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> RocksSettings.from(Map.of("compression", "gzip")));
        assertTrue(e.getMessage().contains("lz4"), e.getMessage());
    }
}
