package io.etcdj.wal;

import static io.etcdj.wal.WalFixtures.METADATA;
import static io.etcdj.wal.WalFixtures.entries;
import static io.etcdj.wal.WalFixtures.entry;
import static io.etcdj.wal.WalFixtures.mark;
import static io.etcdj.wal.WalFixtures.read;
import static io.etcdj.wal.WalFixtures.segmentFiles;
import static io.etcdj.wal.WalFixtures.smallSegments;
import static io.etcdj.wal.WalFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.raftpb.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRolloverTest {
    private static final long SEGMENT_BYTES = 1024;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("wal");
    }

    private static List<SegmentName> names(Path dir) throws IOException {
        return segmentFiles(dir).stream().map(p -> SegmentName.parse(p.getFileName().toString())).toList();
    }

    /** State saved once up front, then entries 1..count one per save, each about 120 bytes on disk. */
    private Wal writeLog(int count) throws IOException {
        Wal wal = Wal.create(dir(), METADATA, smallSegments(SEGMENT_BYTES));
        wal.save(state(1, 1, 0), List.of());
        for (long i = 1; i <= count; i++) {
            wal.save(null, List.of(entry(i, 1, 100)));
        }
        return wal;
    }

    @Test
    void rollsOverAtTheSizeLimitWithConsecutiveSequencesAndIndexNames() throws IOException {
        try (Wal wal = writeLog(100)) {
            assertEquals(segmentFiles(dir()), wal.segmentFiles());
        }
        List<SegmentName> names = names(dir());
        assertTrue(names.size() > 5, names.toString());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(i, names.get(i).seq());
            Path file = dir().resolve(names.get(i).fileName());
            if (i < names.size() - 1) {
                long size = Files.size(file);
                assertTrue(size >= SEGMENT_BYTES && size < SEGMENT_BYTES + 200, file + " has " + size + " bytes");
            }
        }
        // Each segment is named after the index following the last one written before it.
        WalContents c = read(dir());
        assertEquals(1, names.getFirst().firstIndex());
        for (int i = 1; i < names.size(); i++) {
            assertTrue(names.get(i).firstIndex() > names.get(i - 1).firstIndex());
        }
        List<Entry> expected = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            expected.add(entry(i, 1, 100));
        }
        assertEquals(expected, c.entries());
        assertEquals(state(1, 1, 0), c.hardState());
    }

    @Test
    void releaseToDeletesOnlyWholeOlderSegments() throws IOException {
        List<SegmentName> before;
        try (Wal wal = writeLog(100)) {
            before = names(dir());
            assertThrows(IllegalArgumentException.class, () -> wal.releaseTo(1)); // no snapshot mark yet
            wal.saveSnapshot(mark(60, 1));
            assertThrows(IllegalArgumentException.class, () -> wal.releaseTo(61));
            wal.releaseTo(60);
            assertEquals(segmentFiles(dir()), wal.segmentFiles());
        }
        List<SegmentName> after = names(dir());
        // Kept: the segment that may contain index 60 (the last one starting at or below 60) and all later ones.
        int keepFrom = 0;
        while (before.get(keepFrom + 1).firstIndex() <= 60) {
            keepFrom++;
        }
        assertTrue(keepFrom > 0, "the test should release something: " + before);
        assertEquals(before.subList(keepFrom, before.size()), after);
        assertTrue(after.getFirst().firstIndex() <= 60 && after.get(1).firstIndex() > 60, after.toString());

        // The hard state was saved only in a released segment; the segment heads carry it forward.
        WalContents c = read(dir());
        assertEquals(state(1, 1, 0), c.hardState());
        assertEquals(mark(60, 1), c.lastSnapshot());
        assertEquals(61, c.entries().getFirst().getIndex());
        assertEquals(100, c.entries().getLast().getIndex());

        // Appending after a release, rolling further and releasing again keeps a consistent log.
        try (Wal wal = Wal.open(dir(), smallSegments(SEGMENT_BYTES)).wal()) {
            for (long i = 101; i <= 150; i++) {
                wal.save(null, List.of(entry(i, 2, 100)));
            }
            wal.saveSnapshot(mark(140, 2));
            wal.releaseTo(140);
        }
        c = read(dir());
        assertEquals(mark(140, 2), c.lastSnapshot());
        assertEquals(List.of(entry(141, 2, 100), entry(142, 2, 100), entry(143, 2, 100), entry(144, 2, 100),
                entry(145, 2, 100), entry(146, 2, 100), entry(147, 2, 100), entry(148, 2, 100), entry(149, 2, 100),
                entry(150, 2, 100)), c.entries());
        assertTrue(names(dir()).getFirst().firstIndex() <= 140);
    }

    @Test
    void releaseNeverDeletesTheTail() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, smallSegments(SEGMENT_BYTES))) {
            wal.save(null, entries(1, 5, 1));
            wal.saveSnapshot(mark(5, 1));
            wal.releaseTo(5);
            assertEquals(1, segmentFiles(dir()).size());
        }
        assertEquals(mark(5, 1), read(dir()).lastSnapshot());
    }

    @Test
    void overwriteAcrossSegmentsAndNonMonotonicSegmentNames() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, smallSegments(SEGMENT_BYTES))) {
            for (long i = 1; i <= 50; i++) {
                wal.save(null, List.of(entry(i, 1, 100)));
            }
            // Overwrite back to 30 with a batch larger than a segment: the next save starts a segment
            // named 36, below the names of the segments before it.
            List<Entry> overwrite = new ArrayList<>();
            for (long i = 30; i <= 35; i++) {
                overwrite.add(entry(i, 2, 300));
            }
            wal.save(null, overwrite);
            for (long i = 36; i <= 60; i++) {
                wal.save(null, List.of(entry(i, 2, 100)));
            }
        }
        List<Entry> expected = new ArrayList<>();
        for (long i = 1; i <= 29; i++) {
            expected.add(entry(i, 1, 100));
        }
        for (long i = 30; i <= 35; i++) {
            expected.add(entry(i, 2, 300));
        }
        for (long i = 36; i <= 60; i++) {
            expected.add(entry(i, 2, 100));
        }
        assertEquals(expected, read(dir()).entries());
        List<SegmentName> names = names(dir());
        int at36 = names.stream().map(SegmentName::firstIndex).toList().indexOf(36L);
        assertTrue(at36 > 0 && names.get(at36 - 1).firstIndex() > 36, names.toString());

        try (Wal wal = Wal.open(dir(), smallSegments(SEGMENT_BYTES)).wal()) {
            wal.saveSnapshot(mark(45, 2));
            wal.releaseTo(45);
        }
        WalContents c = read(dir());
        assertEquals(expected.subList(45, expected.size()), c.entries());
    }

    @Test
    void missingMiddleSegmentIsCorruption() throws IOException {
        writeLog(100).close();
        List<Path> files = segmentFiles(dir());
        Files.delete(files.get(2));
        WalCorruptException e = assertThrows(WalCorruptException.class, () -> read(dir()));
        assertTrue(e.getMessage().contains("missing segment"), e.getMessage());
        assertEquals(files.get(3), e.file());
    }

    @Test
    void segmentNameInconsistentWithItsPredecessorIsCorruption() throws IOException {
        writeLog(100).close();
        List<Path> files = segmentFiles(dir());
        SegmentName third = SegmentName.parse(files.get(2).getFileName().toString());
        Path renamed = dir().resolve(new SegmentName(third.seq(), third.firstIndex() + 1).fileName());
        Files.move(files.get(2), renamed);
        WalCorruptException e = assertThrows(WalCorruptException.class, () -> read(dir()));
        assertEquals(renamed, e.file());
    }
}
