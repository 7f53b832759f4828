package io.etcdj.spi.store;

/**
 * @param sizeBytes       the space the backend takes on disk (etcd's {@code dbSize})
 * @param sizeInUseBytes  the part of it holding live data (etcd's {@code dbSizeInUse}); a
 *                        defragment would shrink {@code sizeBytes} towards this
 */
public record BackendStats(long sizeBytes, long sizeInUseBytes) {
}
