package io.etcdj.spi.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the server hands a backend at open.
 *
 * @param directory   the backend's own directory (created by the server; the backend owns its content)
 * @param buckets     every bucket the server will use; they are created when absent
 * @param quotaBytes  the space quota ({@code --quota-backend-bytes}, already defaulted): a hint for
 *                    sizing (LMDB's map size), not enforced by the backend
 * @param options     plugin-specific settings ({@code --store-opt key=value}), may be empty
 */
public record BackendConfig(Path directory, List<String> buckets, long quotaBytes, Map<String, String> options) {
    public BackendConfig {
        Objects.requireNonNull(directory, "directory");
        buckets = List.copyOf(buckets);
        options = Map.copyOf(options);
        if (quotaBytes <= 0) {
            throw new IllegalArgumentException("quotaBytes must be positive: " + quotaBytes);
        }
    }
}
