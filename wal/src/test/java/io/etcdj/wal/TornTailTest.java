package io.etcdj.wal;

import static io.etcdj.wal.WalFixtures.METADATA;
import static io.etcdj.wal.WalFixtures.entry;
import static io.etcdj.wal.WalFixtures.onlySegment;
import static io.etcdj.wal.WalFixtures.read;
import static io.etcdj.wal.WalFixtures.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash damage at the end of the last segment is cut off on open, keeping exactly the complete records. */
class TornTailTest {
    private static final int ENTRIES = 12;

    @TempDir
    Path tmp;

    /** A log of entries 1..12, one save each (varied sizes); ends.get(i) = file size after entry i. */
    private record Log(Path segment, byte[] bytes, List<Long> ends) {
    }

    private Log writeLog() throws IOException {
        Path dir = tmp.resolve("source");
        List<Long> ends = new ArrayList<>();
        try (Wal wal = Wal.create(dir, METADATA, WalOptions.defaults())) {
            ends.add(Files.size(onlySegment(dir)));
            for (long i = 1; i <= ENTRIES; i++) {
                wal.save(null, List.of(entryOfLog(i)));
                ends.add(Files.size(onlySegment(dir)));
            }
        }
        Path segment = onlySegment(dir);
        return new Log(segment, Files.readAllBytes(segment), ends);
    }

    private static Entry entryOfLog(long index) {
        return entry(index, 1, (int) (40 + index * 13));
    }

    private static List<Entry> firstEntries(int count) {
        List<Entry> list = new ArrayList<>();
        for (long i = 1; i <= count; i++) {
            list.add(entryOfLog(i));
        }
        return list;
    }

    /** Writes {@code bytes} as the only segment of a new WAL directory. */
    private Path walWith(Log log, String name, byte[] bytes) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.write(dir.resolve(log.segment().getFileName()), bytes);
        return dir;
    }

    private static int completeRecords(Log log, long validBytes) {
        int complete = 0;
        while (complete < ENTRIES && log.ends().get(complete + 1) <= validBytes) {
            complete++;
        }
        return complete;
    }

    /** Opens {@code dir}, checks it holds exactly the first {@code complete} entries, and that appending works. */
    private static void assertRepaired(Path dir, Log log, int complete, long repairedBytes) throws IOException {
        Path segment = dir.resolve(log.segment().getFileName());
        Wal.Opened opened = Wal.open(dir, WalOptions.defaults());
        try (Wal wal = opened.wal()) {
            assertEquals(firstEntries(complete), opened.contents().entries(), "entries");
            assertEquals(repairedBytes, opened.contents().repairedTailBytes(), "repaired bytes");
            assertEquals(log.ends().get(complete), Files.size(segment), "size after repair");
            wal.save(null, List.of(entry(complete + 1, 2)));
        }
        List<Entry> expected = new ArrayList<>(firstEntries(complete));
        expected.add(entry(complete + 1, 2));
        assertEquals(expected, read(dir).entries(), "entries after appending to the repaired log");
    }

    @Test
    void truncationAtEveryPointOfTheLastRecordsIsRepaired() throws IOException {
        Log log = writeLog();
        for (long cut = log.ends().get(ENTRIES - 4); cut <= log.bytes().length; cut++) {
            Path dir = walWith(log, "cut-" + cut, Arrays.copyOf(log.bytes(), (int) cut));
            int complete = completeRecords(log, cut);
            assertRepaired(dir, log, complete, cut - log.ends().get(complete));
        }
    }

    @Test
    void zeroFilledTailAtEveryPointOfTheLastRecordsIsRepaired() throws IOException {
        Log log = writeLog();
        for (long cut = log.ends().get(ENTRIES - 4); cut < log.bytes().length; cut++) {
            byte[] bytes = log.bytes().clone();
            Arrays.fill(bytes, (int) cut, bytes.length, (byte) 0);
            Path dir = walWith(log, "zero-" + cut, bytes);
            // Zeroing a record's padding (already zero) leaves it intact: count from the first changed byte.
            int firstChanged = (int) cut;
            while (firstChanged < bytes.length && log.bytes()[firstChanged] == 0) {
                firstChanged++;
            }
            int complete = completeRecords(log, firstChanged);
            assertRepaired(dir, log, complete, bytes.length - log.ends().get(complete));
        }
    }

    @Test
    void flippedByteAnywhereInTheLastRecordDropsIt() throws IOException {
        Log log = writeLog();
        for (long at = log.ends().get(ENTRIES - 1); at < log.bytes().length; at++) {
            byte[] bytes = log.bytes().clone();
            bytes[(int) at] ^= (byte) 0xff;
            Path dir = walWith(log, "flip-" + at, bytes);
            assertRepaired(dir, log, ENTRIES - 1, bytes.length - log.ends().get(ENTRIES - 1));
        }
    }

    @Test
    void zeroOrGarbageAfterTheLastRecordIsCutOff() throws IOException {
        Log log = writeLog();
        byte[] zeros = Arrays.copyOf(log.bytes(), log.bytes().length + 4096);
        assertRepaired(walWith(log, "zeros", zeros), log, ENTRIES, 4096);

        byte[] garbage = Arrays.copyOf(log.bytes(), log.bytes().length + 1000);
        byte[] noise = new byte[1000];
        new Random(42).nextBytes(noise);
        System.arraycopy(noise, 0, garbage, log.bytes().length, noise.length);
        assertRepaired(walWith(log, "garbage", garbage), log, ENTRIES, 1000);
    }

    @Test
    void truncationInsideOneBatchKeepsItsCompleteRecords() throws IOException {
        Path source = tmp.resolve("batch-source");
        List<Entry> batch = List.of(entry(4, 2, 30), entry(5, 2, 200), entry(6, 2, 7), entry(7, 2, 90));
        HardState before = state(1, 1, 3);
        HardState after = state(2, 2, 7);
        long batchStart;
        try (Wal wal = Wal.create(source, METADATA, WalOptions.defaults())) {
            wal.save(before, List.of(entry(1, 1), entry(2, 1), entry(3, 1)));
            batchStart = Files.size(onlySegment(source));
            wal.save(after, batch);
        }
        Path segment = onlySegment(source);
        byte[] bytes = Files.readAllBytes(segment);
        // Record boundaries inside the batch, from the documented layout: 12-byte header + payload, padded to 8.
        List<Long> ends = new ArrayList<>();
        long end = batchStart;
        for (Entry e : batch) {
            end += frameBytes(e.getSerializedSize());
            ends.add(end);
        }
        end += frameBytes(after.getSerializedSize());
        assertEquals(bytes.length, end);

        for (long cut = batchStart; cut < bytes.length; cut++) {
            Path dir = Files.createDirectories(tmp.resolve("batch-cut-" + cut));
            Files.write(dir.resolve(segment.getFileName()), Arrays.copyOf(bytes, (int) cut));
            int complete = 0;
            while (complete < batch.size() && ends.get(complete) <= cut) {
                complete++;
            }
            WalContents c = read(dir);
            List<Entry> expected = new ArrayList<>(List.of(entry(1, 1), entry(2, 1), entry(3, 1)));
            expected.addAll(batch.subList(0, complete));
            assertEquals(expected, c.entries(), "cut at " + cut);
            assertEquals(before, c.hardState(), "cut at " + cut);
        }
        assertEquals(after, read(source).hardState());
    }

    @Test
    void unwrittenSectorInsideTheLastBatchCutsTheRestEvenIfLaterSectorsLanded() throws IOException {
        Path source = tmp.resolve("sectors");
        long batchStart;
        try (Wal wal = Wal.create(source, METADATA, WalOptions.defaults())) {
            wal.save(null, List.of(entry(1, 1, 100), entry(2, 1, 100)));
            wal.sync();
            batchStart = Files.size(onlySegment(source));
            wal.save(null, List.of(entry(3, 1, 1500), entry(4, 1, 100), entry(5, 1, 100)));
        }
        Path segment = onlySegment(source);
        byte[] bytes = Files.readAllBytes(segment);
        // A crash persisted the batch except one sector inside entry 3's record.
        int sector = (int) ((batchStart + 512) / 512 * 512);
        byte[] torn = bytes.clone();
        Arrays.fill(torn, sector, sector + 512, (byte) 0);
        Path dir = Files.createDirectories(tmp.resolve("torn"));
        Files.write(dir.resolve(segment.getFileName()), torn);

        WalContents c = read(dir);
        assertEquals(List.of(entry(1, 1, 100), entry(2, 1, 100)), c.entries());
        assertEquals(bytes.length - batchStart, c.repairedTailBytes());
        assertEquals(batchStart, Files.size(dir.resolve(segment.getFileName())));
        // The same record damaged by a flipped byte instead is corruption (see CorruptionTest).
        byte[] flipped = bytes.clone();
        flipped[sector + 100] ^= 1;
        Files.write(dir.resolve(segment.getFileName()), flipped);
        assertThrows(WalCorruptException.class, () -> read(dir));
        assertArrayEquals(flipped, Files.readAllBytes(dir.resolve(segment.getFileName())), "left untouched");
    }

    private static long frameBytes(int payloadBytes) {
        return (12 + payloadBytes + 7) / 8 * 8;
    }
}
