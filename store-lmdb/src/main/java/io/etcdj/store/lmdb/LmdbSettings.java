package io.etcdj.store.lmdb;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tunable settings of the LMDB backend, read from {@code --store-opt key=value}. The keys and
 * defaults are documented in {@link LmdbBackendProvider}.
 *
 * @param mapSizeBytes the size of LMDB's memory map: the most the database file may grow to
 * @param maxReaders   the size of the reader table: how many read views may be open at once
 */
record LmdbSettings(long mapSizeBytes, int maxReaders) {
    static final String MAP_SIZE = "map-size-bytes";
    static final String MAX_READERS = "max-readers";

    /** The smallest default map; sparse, so it costs address space, not disk. */
    static final long MIN_DEFAULT_MAP_SIZE = 1L << 30;

    private static final Set<String> KEYS = Set.of(MAP_SIZE, MAX_READERS);

    /**
     * Reads the settings; the map size defaults to twice the quota, at least 1 GiB, so the server's
     * quota alarm fires long before LMDB's map is full.
     *
     * @throws IllegalArgumentException for an unknown key or a malformed value (the message says which)
     */
    static LmdbSettings from(Map<String, String> options, long quotaBytes) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown lmdb store option(s) " + unknown + "; known: " + new TreeSet<>(KEYS));
        }
        long defaultMap = Math.max(MIN_DEFAULT_MAP_SIZE, quotaBytes > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : quotaBytes * 2);
        long readers = positive(options, MAX_READERS, 512);
        if (readers > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("lmdb store option " + MAX_READERS + " is too large: " + readers);
        }
        return new LmdbSettings(positive(options, MAP_SIZE, defaultMap), (int) readers);
    }

    private static long positive(Map<String, String> options, String key, long defaultValue) {
        String text = options.get(key);
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
        throw new IllegalArgumentException("lmdb store option " + key + " must be a positive integer, got '" + text + "'");
    }
}
