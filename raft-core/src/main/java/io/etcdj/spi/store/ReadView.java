package io.etcdj.spi.store;

/** A point-in-time view of a {@link Backend}. Thread-safe for concurrent reads. */
public interface ReadView extends AutoCloseable {
    /** The value of {@code key} in {@code bucket}, or null. */
    byte[] get(String bucket, byte[] key);

    /**
     * Visits the keys of {@code bucket} in {@code [from, to)} in ascending order; {@code to == null}
     * means to the end of the bucket. Stops early when the visitor returns false. The arrays passed
     * to the visitor are the visitor's to keep.
     */
    void scan(String bucket, byte[] from, byte[] to, KeyValueVisitor visitor);

    @Override
    void close();
}
