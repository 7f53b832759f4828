package io.etcdj.store.lmdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendStats;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the LMDB store does beyond the shared contract. */
class LmdbBackendTest {
    private static final long QUOTA = 1L << 30;
    private static final List<String> BUCKETS = List.of("key");

    @TempDir
    Path directory;

    private Backend open(Map<String, String> options) throws IOException {
        return new LmdbBackendProvider().open(new BackendConfig(directory, BUCKETS, QUOTA, options));
    }

    @Test
    void defragmentShrinksTheFileToTheLiveData() throws IOException {
        try (Backend backend = open(Map.of())) {
            Random random = new Random(9);
            for (int i = 0; i < 64; i++) {
                byte[] value = new byte[128 * 1024];
                random.nextBytes(value);
                put(backend, "k" + i, value);
            }
            try (WriteBatch batch = backend.newBatch()) {
                for (int i = 1; i < 64; i++) {
                    batch.delete("key", b("k" + i));
                }
                backend.commit(batch);
            }
            backend.sync();
            BackendStats before = backend.stats();
            byte[] kept = get(backend, "k0");

            backend.defragment();

            BackendStats after = backend.stats();
            assertTrue(after.sizeBytes() < before.sizeBytes() / 4, before + " -> " + after);
            assertFalse(Files.exists(directory.resolve("defrag.tmp")));
            assertArrayEquals(kept, get(backend, "k0"));
            assertNull(get(backend, "k1"));
            put(backend, "after", b("defrag"));
        }
        try (Backend backend = open(Map.of())) {
            assertArrayEquals(b("defrag"), get(backend, "after"));
        }
    }

    @Test
    void defragmentWaitsForAnOpenViewAndLeavesItUsable() throws Exception {
        ExecutorService defragmenter = Executors.newSingleThreadExecutor();
        try (Backend backend = open(Map.of())) {
            put(backend, "a", b("1"));
            ReadView view = backend.readView();
            Future<?> defragment = defragmenter.submit(() -> {
                backend.defragment();
                return null;
            });
            // Until the view closes, the environment it reads must stay open.
            assertArrayEquals(b("1"), view.get("key", b("a")));
            view.close();
            defragment.get(2, TimeUnit.MINUTES);
            assertArrayEquals(b("1"), get(backend, "a"));
        } finally {
            defragmenter.shutdownNow();
        }
    }

    @Test
    void aCommitThatOverflowsTheMapFailsWithAHintAndAppliesNothing() throws IOException {
        try (Backend backend = open(Map.of("map-size-bytes", Integer.toString(1 << 20)))) {
            put(backend, "small", b("1"));
            try (WriteBatch batch = backend.newBatch()) {
                batch.put("key", b("first"), b("x"));
                batch.put("key", b("huge"), new byte[2 << 20]);
                IOException e = assertThrows(IOException.class, () -> backend.commit(batch));
                assertTrue(e.getMessage().contains("map-size-bytes"), e.getMessage());
            }
            assertNull(get(backend, "first"));
            put(backend, "still", b("writable"));
            assertArrayEquals(b("writable"), get(backend, "still"));
        }
    }

    @Test
    void runningOutOfReaderSlotsNamesTheSetting() throws IOException {
        try (Backend backend = open(Map.of("max-readers", "2"));
             ReadView first = backend.readView();
             ReadView second = backend.readView()) {
            var e = assertThrows(IllegalStateException.class, backend::readView);
            assertTrue(e.getMessage().contains("max-readers"), e.getMessage());
            first.close();
            try (ReadView third = backend.readView()) {
                assertNull(third.get("key", b("none")));
            }
        }
    }

    @Test
    void keysLMDBCannotStoreAreRejectedAtPut() throws IOException {
        try (Backend backend = open(Map.of()); WriteBatch batch = backend.newBatch()) {
            assertThrows(IllegalArgumentException.class, () -> batch.put("key", new byte[0], b("v")));
            assertThrows(IllegalArgumentException.class,
                    () -> batch.put("key", new byte[Backend.MAX_KEY_BYTES + 1], b("v")));
            assertThrows(IllegalArgumentException.class, () -> batch.put("nope", b("k"), b("v")));
        }
    }

    @Test
    void scanFromAKeyLongerThanLmdbCanSeekStillStartsAtTheRightPlace() throws IOException {
        try (Backend backend = open(Map.of())) {
            byte[] longest = new byte[Backend.MAX_KEY_BYTES];
            Arrays.fill(longest, (byte) 'a');
            byte[] after = longest.clone();
            after[Backend.MAX_KEY_BYTES - 1] = 'b';
            put(backend, longest, b("at-prefix"));
            put(backend, after, b("after"));
            byte[] from = Arrays.copyOf(longest, Backend.MAX_KEY_BYTES + 1);
            List<String> seen = new ArrayList<>();
            try (ReadView view = backend.readView()) {
                view.scan("key", from, null, (k, v) -> {
                    seen.add(new String(v, UTF_8));
                    return true;
                });
            }
            assertEquals(List.of("after"), seen, "the key equal to the seek prefix is below from");
        }
    }

    @Test
    void anInterruptedDefragmentLeavesNothingBehindAfterReopen() throws IOException {
        try (Backend backend = open(Map.of())) {
            put(backend, "a", b("1"));
        }
        Path leftover = Files.createDirectory(directory.resolve("defrag.tmp"));
        Files.write(leftover.resolve("data.mdb"), b("half a copy"));
        try (Backend backend = open(Map.of())) {
            assertFalse(Files.exists(leftover));
            assertArrayEquals(b("1"), get(backend, "a"));
        }
    }

    private static void put(Backend backend, String key, byte[] value) throws IOException {
        put(backend, b(key), value);
    }

    private static void put(Backend backend, byte[] key, byte[] value) throws IOException {
        try (WriteBatch batch = backend.newBatch()) {
            batch.put("key", key, value);
            backend.commit(batch);
        }
    }

    private static byte[] get(Backend backend, String key) {
        try (ReadView view = backend.readView()) {
            return view.get("key", b(key));
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
