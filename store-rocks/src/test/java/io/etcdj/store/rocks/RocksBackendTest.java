package io.etcdj.store.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendStats;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the RocksDB store does beyond the shared contract. */
class RocksBackendTest {
    private static final long QUOTA = 1L << 30;

    @TempDir
    Path directory;

    private Backend open(List<String> buckets, Map<String, String> options) throws IOException {
        return new RocksBackendProvider().open(new BackendConfig(directory, buckets, QUOTA, options));
    }

    @Test
    void bucketsOnDiskButNotConfiguredSurviveAnOpenWithoutThem() throws IOException {
        try (Backend backend = open(List.of("a", "b"), Map.of())) {
            put(backend, "a", "ka", "1");
            put(backend, "b", "kb", "2");
        }
        try (Backend backend = open(List.of("a"), Map.of())) {
            assertArrayEquals(b("1"), get(backend, "a", "ka"));
            assertThrows(IllegalArgumentException.class, () -> get(backend, "b", "kb"), "b is not configured");
        }
        try (Backend backend = open(List.of("a", "b"), Map.of())) {
            assertArrayEquals(b("2"), get(backend, "b", "kb"));
        }
    }

    @Test
    void defragmentDropsDeletedData() throws IOException {
        try (Backend backend = open(List.of("key"), Map.of("compression", "none"))) {
            Random random = new Random(5);
            for (int round = 0; round < 4; round++) {
                try (WriteBatch batch = backend.newBatch()) {
                    for (int i = 0; i < 16; i++) {
                        byte[] value = new byte[128 * 1024];
                        random.nextBytes(value);
                        batch.put("key", b("k" + round + "-" + i), value);
                    }
                    backend.commit(batch);
                }
            }
            try (WriteBatch batch = backend.newBatch()) {
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < 16; i++) {
                        batch.delete("key", b("k" + round + "-" + i));
                    }
                }
                batch.put("key", b("kept"), b("yes"));
                backend.commit(batch);
            }
            BackendStats before = backend.stats();

            backend.defragment();

            BackendStats after = backend.stats();
            assertTrue(after.sizeInUseBytes() < before.sizeInUseBytes() / 4, before + " -> " + after);
            assertArrayEquals(b("yes"), get(backend, "key", "kept"));
        }
    }

    @Test
    void unknownOptionsFailTheOpen() {
        var e = assertThrows(IllegalArgumentException.class, () -> open(List.of("key"), Map.of("cache", "1")));
        assertTrue(e.getMessage().contains("cache"), e.getMessage());
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFails() throws IOException {
        try (Backend first = open(List.of("key"), Map.of())) {
            IOException e = assertThrows(IOException.class, () -> open(List.of("key"), Map.of()));
            assertTrue(e.getMessage().contains(directory.toString()), e.getMessage());
        }
    }

    private static void put(Backend backend, String bucket, String key, String value) throws IOException {
        try (WriteBatch batch = backend.newBatch()) {
            batch.put(bucket, b(key), b(value));
            backend.commit(batch);
        }
    }

    private static byte[] get(Backend backend, String bucket, String key) {
        try (ReadView view = backend.readView()) {
            return view.get(bucket, b(key));
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
