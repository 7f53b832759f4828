package io.etcdj.testkit.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendProvider;
import io.etcdj.spi.store.BackendStats;
import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link Backend} (see its javadoc), which every storage plugin runs against
 * itself by subclassing this suite and implementing {@link #provider()}.
 *
 * <p>Beyond the SPI's javadoc the suite pins down two conventions callers rely on: an empty
 * {@code from} scans from the start of the bucket, and closing a batch after committing it is
 * allowed (and does nothing), so batches can live in try-with-resources.
 */
public abstract class BackendContractTest {
    /** Buckets the suite opens every backend with. */
    protected static final String KEYS = "key";
    protected static final String META = "meta";
    protected static final String UNUSED = "unused";

    private static final List<String> BUCKETS = List.of(KEYS, META, UNUSED);
    /** etcd's default --quota-backend-bytes. */
    private static final long DEFAULT_QUOTA = 2L * 1024 * 1024 * 1024;
    private static final int MIB = 1024 * 1024;
    private static final byte[] START = new byte[0];
    /** Guards against hangs only; no test asserts how long anything takes. */
    private static final long HANG_GUARD_SECONDS = 120;

    @TempDir
    Path directory;

    private Backend backend;

    /** The plugin under test. */
    protected abstract BackendProvider provider();

    /** The config the suite opens the backend with; override to pass plugin options. */
    protected BackendConfig config(Path dir, List<String> buckets) {
        return new BackendConfig(dir, buckets, DEFAULT_QUOTA, Map.of());
    }

    @BeforeEach
    void openBackend() throws IOException {
        backend = provider().open(config(directory, BUCKETS));
    }

    @AfterEach
    void closeBackend() throws IOException {
        if (backend != null) {
            backend.close();
        }
    }

    // ---------------------------------------------------------------- ordering

    @Test
    void keysAreOrderedByUnsignedBytes() throws IOException {
        List<byte[]> keys = List.of(bytes(0x80), bytes(0xff), bytes(0x00), bytes(0x7f), bytes(0x7f, 0xff),
                bytes(0x80, 0x00), bytes(0x00, 0x00), bytes(0xff, 0xff), bytes(0x01));
        write(batch -> keys.forEach(k -> batch.put(KEYS, k, k)));

        List<String> expected = List.of("00=00", "0000=0000", "01=01", "7f=7f", "7fff=7fff", "80=80",
                "8000=8000", "ff=ff", "ffff=ffff");
        try (ReadView view = backend.readView()) {
            assertEquals(expected, Entries.scanAll(view, KEYS));
            assertEquals(List.of("7f=7f", "7fff=7fff"), Entries.scan(view, KEYS, bytes(0x7f), bytes(0x80)));
            assertEquals(List.of("ff=ff", "ffff=ffff"), Entries.scan(view, KEYS, bytes(0x80, 0x01), null));
            for (byte[] key : keys) {
                assertArrayEquals(key, view.get(KEYS, key));
            }
        }
    }

    @Test
    void randomKeysScanInUnsignedOrder() throws IOException {
        Random random = new Random(42);
        NavigableMap<byte[], byte[]> model = Entries.model();
        for (int round = 0; round < 5; round++) {
            write(batch -> {
                for (int i = 0; i < 200; i++) {
                    byte[] key = randomBytes(random, 1 + random.nextInt(12));
                    byte[] value = randomBytes(random, random.nextInt(40));
                    batch.put(KEYS, key, value);
                    model.put(key, value);
                }
            });
        }
        byte[] from = randomBytes(random, 2);
        byte[] to = randomBytes(random, 2);
        if (Arrays.compareUnsigned(from, to) > 0) {
            byte[] swap = from;
            from = to;
            to = swap;
        }
        try (ReadView view = backend.readView()) {
            assertEquals(Entries.of(model), Entries.scanAll(view, KEYS));
            assertEquals(Entries.of(model.subMap(from, true, to, false)), Entries.scan(view, KEYS, from, to));
        }
    }

    // ---------------------------------------------------------------- scans

    @Test
    void scanIncludesFromAndExcludesTo() throws IOException {
        writeDigits(KEYS);
        try (ReadView view = backend.readView()) {
            assertEquals(List.of("k2", "k3", "k4"), keys(view, KEYS, b("k2"), b("k5")));
            // Bounds that are not keys: from rounds up, to stays exclusive.
            assertEquals(List.of("k3", "k4"), keys(view, KEYS, b("k2a"), b("k4a")));
            assertEquals(List.of("k0", "k1"), keys(view, KEYS, b("a"), b("k2")));
            assertEquals(List.of("k9"), keys(view, KEYS, b("k9"), b("l")));
        }
    }

    @Test
    void scanWithNullToRunsToEndOfBucket() throws IOException {
        writeDigits(KEYS);
        writeDigits(META);
        try (ReadView view = backend.readView()) {
            assertEquals(List.of("k7", "k8", "k9"), keys(view, KEYS, b("k7"), null));
            assertEquals(10, keys(view, KEYS, START, null).size());
            assertEquals(List.of(), keys(view, KEYS, b("l"), null));
        }
    }

    @Test
    void scanOfEmptyRangesVisitsNothing() throws IOException {
        writeDigits(KEYS);
        try (ReadView view = backend.readView()) {
            assertEquals(List.of(), keys(view, KEYS, b("k3"), b("k3")), "from == to");
            assertEquals(List.of(), keys(view, KEYS, b("k5"), b("k2")), "from > to");
            assertEquals(List.of(), keys(view, KEYS, b("k3a"), b("k3b")), "no key between");
            assertEquals(List.of(), keys(view, KEYS, b("z"), b("zz")), "past the last key");
            assertEquals(List.of(), keys(view, KEYS, START, b("k0")), "before the first key");
            assertEquals(List.of(), keys(view, UNUSED, START, null), "empty bucket");
        }
    }

    @Test
    void scanStopsWhenVisitorReturnsFalse() throws IOException {
        writeDigits(KEYS);
        try (ReadView view = backend.readView()) {
            List<String> seen = new ArrayList<>();
            view.scan(KEYS, b("k4"), null, (k, v) -> {
                seen.add(new String(k, UTF_8));
                return seen.size() < 2;
            });
            assertEquals(List.of("k4", "k5"), seen);

            List<String> first = new ArrayList<>();
            view.scan(KEYS, START, null, (k, v) -> {
                first.add(new String(k, UTF_8));
                return false;
            });
            assertEquals(List.of("k0"), first);
        }
    }

    @Test
    void scannedAndFetchedArraysBelongToTheCaller() throws IOException {
        writeDigits(KEYS);
        try (ReadView view = backend.readView()) {
            List<byte[]> kept = new ArrayList<>();
            view.scan(KEYS, START, null, (k, v) -> {
                kept.add(k);
                kept.add(v);
                Arrays.fill(k, (byte) 'x');
                Arrays.fill(v, (byte) 'x');
                return true;
            });
            assertEquals(20, kept.size());
            assertEquals(List.of("k0", "k1"), keys(view, KEYS, START, b("k2")), "scan saw the caller's writes");

            byte[] value = view.get(KEYS, b("k1"));
            Arrays.fill(value, (byte) 'x');
            assertArrayEquals(b("v1"), view.get(KEYS, b("k1")));
        }
        try (ReadView view = backend.readView()) {
            assertArrayEquals(b("v0"), view.get(KEYS, b("k0")));
        }
    }

    // ---------------------------------------------------------------- get and buckets

    @Test
    void getOfMissingKeyIsNull() throws IOException {
        writeDigits(KEYS);
        write(batch -> batch.delete(KEYS, b("k5")));
        try (ReadView view = backend.readView()) {
            assertNull(view.get(KEYS, b("k")), "prefix of a key");
            assertNull(view.get(KEYS, b("k10")), "extension of a key");
            assertNull(view.get(KEYS, b("k5")), "deleted key");
            assertNull(view.get(META, b("k1")), "key of another bucket");
            assertNull(view.get(UNUSED, b("k1")), "empty bucket");
            assertArrayEquals(b("v4"), view.get(KEYS, b("k4")));
        }
    }

    @Test
    void deletingAMissingKeyIsHarmless() throws IOException {
        write(batch -> {
            batch.delete(KEYS, b("never-written"));
            batch.put(KEYS, b("a"), b("1"));
        });
        assertArrayEquals(b("1"), get(KEYS, b("a")));
    }

    @Test
    void bucketsAreIndependent() throws IOException {
        write(batch -> {
            batch.put(KEYS, b("same"), b("in-keys"));
            batch.put(META, b("same"), b("in-meta"));
            batch.put(KEYS, b("only-keys"), b("1"));
        });
        write(batch -> batch.delete(KEYS, b("same")));
        try (ReadView view = backend.readView()) {
            assertEquals(List.of("only-keys"), keys(view, KEYS, START, null));
            assertEquals(List.of("same"), keys(view, META, START, null));
            assertArrayEquals(b("in-meta"), view.get(META, b("same")));
            assertEquals(List.of(), keys(view, UNUSED, START, null));
        }
    }

    // ---------------------------------------------------------------- batches

    @Test
    void batchAppliesPutsAndDeletesTogether() throws IOException {
        writeDigits(KEYS);
        try (ReadView before = backend.readView()) {
            write(batch -> {
                batch.put(KEYS, b("k1"), b("new1"));
                batch.delete(KEYS, b("k2"));
                batch.put(META, b("m"), b("meta"));
                batch.delete(KEYS, b("k3"));
                batch.put(KEYS, b("k10"), b("v10"));
            });
            assertEquals(10, keys(before, KEYS, START, null).size());
            assertArrayEquals(b("v1"), before.get(KEYS, b("k1")));
            assertNull(before.get(META, b("m")));
        }
        try (ReadView after = backend.readView()) {
            assertEquals(List.of("k0", "k1", "k10", "k4", "k5", "k6", "k7", "k8", "k9"), keys(after, KEYS, START, null));
            assertArrayEquals(b("new1"), after.get(KEYS, b("k1")));
            assertArrayEquals(b("meta"), after.get(META, b("m")));
        }
    }

    @Test
    void laterOperationOnTheSameKeyWins() throws IOException {
        write(batch -> batch.put(KEYS, b("was-there"), b("old")));
        try (WriteBatch batch = backend.newBatch()) {
            batch.put(KEYS, b("twice"), b("first"));
            batch.put(KEYS, b("twice"), b("second"));
            batch.put(KEYS, b("put-then-delete"), b("x"));
            batch.delete(KEYS, b("put-then-delete"));
            batch.delete(KEYS, b("was-there"));
            batch.put(KEYS, b("was-there"), b("new"));
            batch.delete(KEYS, b("delete-then-put"));
            batch.put(KEYS, b("delete-then-put"), b("y"));
            assertEquals(8, batch.size());
            backend.commit(batch);
        }
        try (ReadView view = backend.readView()) {
            assertArrayEquals(b("second"), view.get(KEYS, b("twice")));
            assertNull(view.get(KEYS, b("put-then-delete")));
            assertArrayEquals(b("new"), view.get(KEYS, b("was-there")));
            assertArrayEquals(b("y"), view.get(KEYS, b("delete-then-put")));
            assertEquals(List.of("delete-then-put", "twice", "was-there"), keys(view, KEYS, START, null));
        }
    }

    @Test
    void emptyBatchCommits() throws IOException {
        try (WriteBatch batch = backend.newBatch()) {
            assertEquals(0, batch.size());
            backend.commit(batch);
        }
        writeDigits(KEYS);
        assertArrayEquals(b("v9"), get(KEYS, b("k9")));
    }

    @Test
    void closedUncommittedBatchChangesNothing() throws IOException {
        writeDigits(KEYS);
        try (WriteBatch batch = backend.newBatch()) {
            batch.put(KEYS, b("k1"), b("changed"));
            batch.delete(KEYS, b("k2"));
            batch.put(META, b("m"), b("added"));
            assertEquals(3, batch.size());
        }
        write(batch -> batch.put(KEYS, b("later"), b("commit")));
        try (ReadView view = backend.readView()) {
            assertArrayEquals(b("v1"), view.get(KEYS, b("k1")));
            assertArrayEquals(b("v2"), view.get(KEYS, b("k2")));
            assertNull(view.get(META, b("m")));
            assertEquals(11, keys(view, KEYS, START, null).size());
        }
    }

    // ---------------------------------------------------------------- snapshot isolation

    @Test
    void readViewDoesNotSeeLaterCommits() throws IOException {
        writeDigits(KEYS);
        try (ReadView old = backend.readView()) {
            List<String> before = Entries.scanAll(old, KEYS);
            write(batch -> {
                batch.put(KEYS, b("k0"), b("changed"));
                batch.delete(KEYS, b("k1"));
                batch.put(KEYS, b("k99"), b("added"));
            });
            try (ReadView fresh = backend.readView()) {
                assertArrayEquals(b("changed"), fresh.get(KEYS, b("k0")));
                assertNull(fresh.get(KEYS, b("k1")));
                assertArrayEquals(b("added"), fresh.get(KEYS, b("k99")));
            }
            write(batch -> batch.delete(KEYS, b("k2")));
            backend.sync();

            assertEquals(before, Entries.scanAll(old, KEYS));
            assertArrayEquals(b("v0"), old.get(KEYS, b("k0")));
            assertArrayEquals(b("v1"), old.get(KEYS, b("k1")));
            assertArrayEquals(b("v2"), old.get(KEYS, b("k2")));
            assertNull(old.get(KEYS, b("k99")));
        }
    }

    @Test
    void readViewStaysConsistentWhileAnotherThreadCommits() throws Exception {
        NavigableMap<byte[], byte[]> model = Entries.model();
        write(batch -> {
            for (int i = 0; i < 100; i++) {
                batch.put(KEYS, numbered(i), b("v0"));
                model.put(numbered(i), b("v0"));
            }
        });
        List<String> snapshot = Entries.of(model);
        CountDownLatch firstCommitDone = new CountDownLatch(1);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (ReadView old = backend.readView()) {
            Future<?> writes = writer.submit((Callable<Void>) () -> {
                for (int round = 1; round <= 30; round++) {
                    String value = "v" + round;
                    int shift = round;
                    write(batch -> {
                        for (int i = 0; i < 100; i++) {
                            batch.put(KEYS, numbered(i), b(value));
                        }
                        batch.delete(KEYS, numbered(shift));
                        batch.put(KEYS, numbered(100 + shift), b(value));
                    });
                    firstCommitDone.countDown();
                }
                return null;
            });
            // The first scan waits inside the visitor until a commit has landed: the scan straddles it.
            List<String> during = new ArrayList<>();
            old.scan(KEYS, START, null, (k, v) -> {
                if (during.isEmpty()) {
                    awaitUninterruptibly(firstCommitDone);
                }
                during.add(Entries.entry(k, v));
                return true;
            });
            assertEquals(snapshot, during);
            while (!writes.isDone()) {
                assertEquals(snapshot, Entries.scanAll(old, KEYS));
                assertArrayEquals(b("v0"), old.get(KEYS, numbered(1)));
            }
            writes.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            assertEquals(snapshot, Entries.scanAll(old, KEYS));
        } finally {
            writer.shutdownNow();
        }
        try (ReadView fresh = backend.readView()) {
            // Every round rewrites 0000..0099, then deletes one of them and adds one above 0100.
            List<String> after = keys(fresh, KEYS, START, null);
            assertEquals(129, after.size());
            assertFalse(after.contains("0030"), "deleted in round 30");
            assertTrue(after.contains("0001"), "deleted in round 1, written again in round 2");
            assertTrue(after.contains("0101") && after.contains("0130"), "added in rounds 1 and 30");
            assertArrayEquals(b("v30"), fresh.get(KEYS, numbered(0)));
        }
    }

    @Test
    void concurrentReadersSeeWholeBatchesInCommitOrder() throws Exception {
        int rounds = 200;
        write(batch -> writeRound(batch, 0));
        AtomicBoolean writerDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(pool.submit(() -> readRoundsUntil(writerDone)));
            }
            Future<?> writer = pool.submit((Callable<Void>) () -> {
                try {
                    for (int round = 1; round <= rounds; round++) {
                        int current = round;
                        write(batch -> writeRound(batch, current));
                    }
                } finally {
                    writerDone.set(true);
                }
                return null;
            });
            writer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            for (Future<Integer> reader : readers) {
                assertEquals(rounds, reader.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS),
                        "a view opened after the last commit sees it");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneViewServesConcurrentReaders() throws Exception {
        writeDigits(KEYS);
        writeDigits(META);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ReadView shared = backend.readView()) {
            List<String> expected = Entries.scanAll(shared, KEYS);
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < 200; i++) {
                        assertEquals(expected, Entries.scanAll(shared, KEYS));
                        assertArrayEquals(b("v" + (i % 10)), shared.get(META, b("k" + (i % 10))));
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 50; i++) {
                int n = i;
                write(batch -> batch.put(KEYS, b("k" + (n % 10)), b("changed" + n)));
            }
            for (Future<?> reader : readers) {
                reader.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- durability and lifecycle

    @Test
    void dataSurvivesSyncCloseAndReopen() throws IOException {
        writeDigits(KEYS);
        write(batch -> {
            batch.put(META, b("m"), b("1"));
            batch.delete(KEYS, b("k3"));
        });
        backend.sync();
        reopen(BUCKETS);
        try (ReadView view = backend.readView()) {
            assertEquals(List.of("k0", "k1", "k2", "k4", "k5", "k6", "k7", "k8", "k9"), keys(view, KEYS, START, null));
            assertArrayEquals(b("1"), view.get(META, b("m")));
        }
        write(batch -> batch.put(KEYS, b("k3"), b("back")));
        reopen(BUCKETS);
        assertArrayEquals(b("back"), get(KEYS, b("k3")));
    }

    @Test
    void viewsLeftOpenAtCloseFailCleanlyAfterwards() throws IOException {
        writeDigits(KEYS);
        ReadView leftOpen = backend.readView();
        Backend closing = backend;
        backend = null;
        closing.close();
        // Native stores must not touch freed handles: an exception, not a crashed JVM.
        assertThrows(RuntimeException.class, () -> leftOpen.get(KEYS, b("k1")));
        assertThrows(RuntimeException.class, () -> leftOpen.scan(KEYS, START, null, (k, v) -> true));
        leftOpen.close();

        backend = provider().open(config(directory, BUCKETS));
        assertArrayEquals(b("v1"), get(KEYS, b("k1")), "close synced the data");
    }

    @Test
    void reopenCreatesNewlyNamedBuckets() throws IOException {
        writeDigits(KEYS);
        backend.sync();
        List<String> more = List.of(KEYS, META, UNUSED, "added");
        reopen(more);
        write(batch -> batch.put("added", b("a"), b("1")));
        reopen(more);
        try (ReadView view = backend.readView()) {
            assertArrayEquals(b("1"), view.get("added", b("a")));
            assertEquals(10, keys(view, KEYS, START, null).size());
        }
    }

    @Test
    void largeValuesAndLongestKeys() throws IOException {
        Random random = new Random(7);
        byte[] keyLow = randomBytes(random, Backend.MAX_KEY_BYTES);
        keyLow[Backend.MAX_KEY_BYTES - 1] = 0x00;
        byte[] keyHigh = keyLow.clone();
        keyHigh[Backend.MAX_KEY_BYTES - 1] = (byte) 0xff;
        byte[] big = randomBytes(random, 2 * MIB);
        byte[] bigger = randomBytes(random, 2 * MIB + 17);
        write(batch -> {
            batch.put(KEYS, keyHigh, big);
            batch.put(KEYS, keyLow, bigger);
        });
        backend.sync();
        reopen(BUCKETS);
        try (ReadView view = backend.readView()) {
            assertArrayEquals(big, view.get(KEYS, keyHigh));
            assertArrayEquals(bigger, view.get(KEYS, keyLow));
            List<byte[]> scanned = new ArrayList<>();
            view.scan(KEYS, START, null, (k, v) -> {
                scanned.add(k);
                scanned.add(v);
                return true;
            });
            assertEquals(4, scanned.size());
            assertArrayEquals(keyLow, scanned.get(0));
            assertArrayEquals(bigger, scanned.get(1));
            assertArrayEquals(keyHigh, scanned.get(2));
            assertArrayEquals(big, scanned.get(3));
        }
    }

    @Test
    void statsArePositiveAndGrowWithData() throws IOException {
        BackendStats empty = backend.stats();
        assertTrue(empty.sizeBytes() > 0, "a new backend takes some space: " + empty);
        assertTrue(empty.sizeInUseBytes() >= 0, empty.toString());

        Random random = new Random(3);
        int valueSize = 256 * 1024;
        for (int round = 0; round < 8; round++) {
            int base = round * 8;
            write(batch -> {
                for (int i = 0; i < 8; i++) {
                    batch.put(KEYS, numbered(base + i), randomBytes(random, valueSize));
                }
            });
        }
        backend.sync();

        BackendStats full = backend.stats();
        long written = 64L * valueSize;
        assertTrue(full.sizeBytes() >= empty.sizeBytes() + written / 2, "16 MiB written: " + empty + " -> " + full);
        assertTrue(full.sizeInUseBytes() >= empty.sizeInUseBytes() + written / 2,
                "16 MiB written: " + empty + " -> " + full);
        assertTrue(full.sizeInUseBytes() <= full.sizeBytes(), "in use is part of the size: " + full);
    }

    @Test
    void defragmentKeepsData() throws IOException {
        Random random = new Random(11);
        NavigableMap<byte[], byte[]> model = Entries.model();
        write(batch -> {
            for (int i = 0; i < 2000; i++) {
                byte[] value = randomBytes(random, 1024);
                batch.put(KEYS, numbered(i), value);
                model.put(numbered(i), value);
            }
            batch.put(META, b("m"), b("kept"));
        });
        write(batch -> {
            for (int i = 0; i < 2000; i++) {
                if (i % 4 != 0) {
                    batch.delete(KEYS, numbered(i));
                    model.remove(numbered(i));
                }
            }
        });

        backend.defragment();

        assertEquals(Entries.of(model), scanAll(KEYS));
        assertArrayEquals(b("kept"), get(META, b("m")));
        write(batch -> batch.put(KEYS, b("after"), b("defrag")));
        model.put(b("after"), b("defrag"));
        backend.sync();
        reopen(BUCKETS);
        assertEquals(Entries.of(model), scanAll(KEYS));
        assertArrayEquals(b("kept"), get(META, b("m")));
    }

    // ---------------------------------------------------------------- discovery

    @Test
    void providerIsDiscoverableByServiceLoader() {
        String name = provider().name();
        assertNotNull(name);
        assertFalse(name.isBlank(), "provider name");
        assertEquals(name.toLowerCase(Locale.ROOT), name, "provider names are lower case");

        List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name))
                .toList();
        assertEquals(1, found.size(), "providers named '" + name + "': " + found);
        assertEquals(provider().getClass(), found.get(0).getClass());
    }

    // ---------------------------------------------------------------- helpers

    /** Applies {@code ops} in one committed batch. */
    private void write(Consumer<WriteBatch> ops) throws IOException {
        try (WriteBatch batch = backend.newBatch()) {
            ops.accept(batch);
            backend.commit(batch);
        }
    }

    private void reopen(List<String> buckets) throws IOException {
        Backend old = backend;
        backend = null;
        old.close();
        backend = provider().open(config(directory, buckets));
    }

    private byte[] get(String bucket, byte[] key) {
        try (ReadView view = backend.readView()) {
            return view.get(bucket, key);
        }
    }

    private List<String> scanAll(String bucket) {
        try (ReadView view = backend.readView()) {
            return Entries.scanAll(view, bucket);
        }
    }

    /** Keys {@code k0..k9} with values {@code v0..v9}. */
    private void writeDigits(String bucket) throws IOException {
        write(batch -> {
            for (int i = 0; i < 10; i++) {
                batch.put(bucket, b("k" + i), b("v" + i));
            }
        });
    }

    /**
     * One round of the commit-order test: keys a, b, c all hold the round number, and of the
     * {@code marker-N} keys only this round's exists. A reader that sees anything else saw half a batch.
     */
    private static void writeRound(WriteBatch batch, int round) {
        byte[] value = b(Integer.toString(round));
        batch.put(KEYS, b("a"), value);
        if (round > 0) {
            batch.delete(META, b("marker-" + (round - 1)));
        }
        batch.put(KEYS, b("b"), value);
        batch.put(META, b("marker-" + round), value);
        batch.put(KEYS, b("c"), value);
    }

    /** Opens views until the writer is done; returns the round the last view saw. */
    private int readRoundsUntil(AtomicBoolean writerDone) {
        int lastSeen = -1;
        boolean finalPass = false;
        while (!finalPass) {
            // Read the flag before opening the view: a view opened after the writer finished sees everything.
            finalPass = writerDone.get();
            try (ReadView view = backend.readView()) {
                int round = Integer.parseInt(new String(view.get(KEYS, b("a")), UTF_8));
                assertArrayEquals(b(Integer.toString(round)), view.get(KEYS, b("b")), "half a batch seen");
                assertArrayEquals(b(Integer.toString(round)), view.get(KEYS, b("c")), "half a batch seen");
                assertEquals(List.of("marker-" + round), keys(view, META, START, null), "half a batch seen");
                assertTrue(round >= lastSeen, "a later view saw an earlier state: " + lastSeen + " then " + round);
                lastSeen = round;
            }
        }
        return lastSeen;
    }

    private static List<String> keys(ReadView view, String bucket, byte[] from, byte[] to) {
        List<String> out = new ArrayList<>();
        view.scan(bucket, from, to, (k, v) -> {
            out.add(new String(k, UTF_8));
            return true;
        });
        return Collections.unmodifiableList(out);
    }

    /** A fixed-width decimal key, so numeric and byte order agree. */
    private static byte[] numbered(int n) {
        return b(String.format("%04d", n));
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] bytes(int... unsigned) {
        byte[] out = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            out[i] = (byte) unsigned[i];
        }
        return out;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the writer never committed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
