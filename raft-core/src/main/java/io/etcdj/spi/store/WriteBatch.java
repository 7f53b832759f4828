package io.etcdj.spi.store;

/**
 * Writes gathered for one atomic {@link Backend#commit}. Within a batch, later operations on the
 * same key win. A batch that is closed without commit is discarded.
 */
public interface WriteBatch extends AutoCloseable {
    void put(String bucket, byte[] key, byte[] value);

    void delete(String bucket, byte[] key);

    /** Number of operations gathered so far. */
    int size();

    @Override
    void close();
}
