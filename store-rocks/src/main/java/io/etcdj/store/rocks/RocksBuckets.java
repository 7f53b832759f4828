package io.etcdj.store.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;

/**
 * The column families of one open database (a bucket is the column family of the same name).
 * RocksDB must open every family on disk, so this holds handles for families no configured bucket
 * names too; those count for stats and defragment but cannot be read or written.
 */
final class RocksBuckets implements AutoCloseable {
    private final Map<String, ColumnFamilyHandle> families;
    private final Set<String> configured;

    /**
     * @param descriptors the families given to {@code RocksDB.open}
     * @param opened      the handles it returned, in the same order
     * @param configured  the buckets of the backend's config
     */
    RocksBuckets(List<ColumnFamilyDescriptor> descriptors, List<ColumnFamilyHandle> opened, List<String> configured) {
        Map<String, ColumnFamilyHandle> byName = new LinkedHashMap<>();
        for (int i = 0; i < descriptors.size(); i++) {
            byName.put(new String(descriptors.get(i).getName(), UTF_8), opened.get(i));
        }
        this.families = byName;
        this.configured = Set.copyOf(configured);
    }

    /** @throws IllegalArgumentException for a bucket the backend was not opened with */
    ColumnFamilyHandle handle(String bucket) {
        if (!configured.contains(bucket)) {
            throw new IllegalArgumentException("unknown bucket '" + bucket + "'; open buckets: " + configured);
        }
        return families.get(bucket);
    }

    /** Every open family, configured or not. */
    Collection<ColumnFamilyHandle> all() {
        return families.values();
    }

    @Override
    public void close() {
        families.values().forEach(ColumnFamilyHandle::close);
    }
}
