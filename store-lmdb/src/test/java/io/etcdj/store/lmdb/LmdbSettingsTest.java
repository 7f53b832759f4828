package io.etcdj.store.lmdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LmdbSettingsTest {
    private static final long GIB = 1L << 30;

    @Test
    void mapSizeDefaultsToTwiceTheQuotaAndAtLeastOneGib() {
        assertEquals(4 * GIB, LmdbSettings.from(Map.of(), 2 * GIB).mapSizeBytes());
        assertEquals(GIB, LmdbSettings.from(Map.of(), 16L << 20).mapSizeBytes());
        assertEquals(Long.MAX_VALUE, LmdbSettings.from(Map.of(), Long.MAX_VALUE / 2 + 1).mapSizeBytes());
        assertEquals(512, LmdbSettings.from(Map.of(), GIB).maxReaders());
    }

    @Test
    void optionsOverrideDefaults() {
        LmdbSettings settings = LmdbSettings.from(Map.of("map-size-bytes", "1048576", "max-readers", "8"), 2 * GIB);
        assertEquals(1048576, settings.mapSizeBytes());
        assertEquals(8, settings.maxReaders());
    }

    @Test
    void unknownKeysAndMalformedValuesAreRejected() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> LmdbSettings.from(Map.of("mapsize", "1"), GIB));
        assertTrue(unknown.getMessage().contains("map-size-bytes"), unknown.getMessage());
        for (String bad : new String[] {"0", "-1", "1G", "99999999999"}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> LmdbSettings.from(Map.of("max-readers", bad), GIB));
            assertTrue(e.getMessage().contains("max-readers"), e.getMessage());
        }
    }
}
