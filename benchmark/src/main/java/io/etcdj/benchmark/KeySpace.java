package io.etcdj.benchmark;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.PutRequest;
import java.util.SplittableRandom;

/**
 * Keys as etcd's benchmark makes them: {@code keySize} bytes holding the key number as a Go signed
 * varint (zig-zag) followed by zero bytes, numbers in [0, size). Put requests for a key space of at
 * most {@value #CACHED_KEYS} keys are built once and reused.
 */
final class KeySpace {
    static final int CACHED_KEYS = 1 << 16;

    private final int keySize;
    private final long size;
    private final PutRequest[] cachedPuts;
    private final ByteString value;

    KeySpace(int keySize, long size, ByteString value) throws UsageException {
        if (size < 1) {
            throw new UsageException("--key-space-size must be at least 1, got " + size);
        }
        int needed = varintLength(size - 1);
        if (keySize < needed) {
            throw new UsageException("--key-size " + keySize + " cannot hold " + size + " distinct keys; use at least " + needed);
        }
        this.keySize = keySize;
        this.size = size;
        this.value = value;
        this.cachedPuts = size <= CACHED_KEYS ? new PutRequest[(int) size] : null;
        if (cachedPuts != null) {
            for (int i = 0; i < size; i++) {
                cachedPuts[i] = buildPut(i);
            }
        }
    }

    long size() {
        return size;
    }

    ByteString key(long n) {
        byte[] bytes = new byte[keySize];
        long zigzag = (n << 1) ^ (n >> 63);
        int i = 0;
        while ((zigzag & ~0x7FL) != 0) {
            bytes[i++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        bytes[i] = (byte) zigzag;
        return ByteString.copyFrom(bytes);
    }

    /** A put of this key space's value to key {@code n mod size}. */
    PutRequest put(long n) {
        long k = Math.floorMod(n, size);
        return cachedPuts != null ? cachedPuts[(int) k] : buildPut(k);
    }

    private PutRequest buildPut(long n) {
        return PutRequest.newBuilder().setKey(key(n)).setValue(value).build();
    }

    static int varintLength(long n) {
        long zigzag = (n << 1) ^ (n >> 63);
        int length = 1;
        while ((zigzag & ~0x7FL) != 0) {
            length++;
            zigzag >>>= 7;
        }
        return length;
    }

    /** {@code size} random bytes (fixed seed: runs are comparable). */
    static ByteString randomBytes(int size, SplittableRandom random) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return ByteString.copyFrom(bytes);
    }
}
