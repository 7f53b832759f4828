package io.etcdj.spi.store;

/** Receives one key/value pair of a scan; returns false to stop the scan. */
@FunctionalInterface
public interface KeyValueVisitor {
    boolean visit(byte[] key, byte[] value);
}
