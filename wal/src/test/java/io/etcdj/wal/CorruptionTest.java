package io.etcdj.wal;

import static io.etcdj.wal.SegmentBuilder.ENTRY;
import static io.etcdj.wal.SegmentBuilder.METADATA;
import static io.etcdj.wal.SegmentBuilder.SNAPSHOT;
import static io.etcdj.wal.SegmentBuilder.STATE;
import static io.etcdj.wal.WalFixtures.entries;
import static io.etcdj.wal.WalFixtures.entry;
import static io.etcdj.wal.WalFixtures.mark;
import static io.etcdj.wal.WalFixtures.onlySegment;
import static io.etcdj.wal.WalFixtures.read;
import static io.etcdj.wal.WalFixtures.segmentFiles;
import static io.etcdj.wal.WalFixtures.smallSegments;
import static io.etcdj.wal.WalFixtures.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage that is not a torn append is reported, naming file and offset, and never skipped or repaired. */
class CorruptionTest {
    private static final byte[] META = WalFixtures.METADATA;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("wal");
    }

    /** Entries 1..10 one save each; returns the file size after the head and after each entry. */
    private List<Long> writeTenEntries() throws IOException {
        List<Long> ends = new ArrayList<>();
        try (Wal wal = Wal.create(dir(), META, WalOptions.defaults())) {
            ends.add(Files.size(onlySegment(dir())));
            for (long i = 1; i <= 10; i++) {
                wal.save(null, List.of(entry(i, 1, 50)));
                ends.add(Files.size(onlySegment(dir())));
            }
        }
        return ends;
    }

    private WalCorruptException assertCorrupt(Path dir) throws IOException {
        List<byte[]> before = new ArrayList<>();
        for (Path file : segmentFiles(dir)) {
            before.add(Files.readAllBytes(file));
        }
        WalCorruptException e = assertThrows(WalCorruptException.class, () -> read(dir));
        List<Path> after = segmentFiles(dir);
        for (int i = 0; i < after.size(); i++) {
            assertArrayEquals(before.get(i), Files.readAllBytes(after.get(i)), "open must not modify " + after.get(i));
        }
        return e;
    }

    @Test
    void flippedPayloadByteInAMiddleRecordNamesFileAndOffset() throws IOException {
        List<Long> ends = writeTenEntries();
        Path segment = onlySegment(dir());
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) (ends.get(4) + 20)] ^= (byte) 0xff; // inside entry 5's payload
        Files.write(segment, bytes);

        WalCorruptException e = assertCorrupt(dir());
        assertEquals("wal: corrupt record in " + segment + " at offset " + ends.get(4) + ": crc mismatch", e.getMessage());
        assertEquals(segment, e.file());
        assertEquals(ends.get(4), e.offset());
    }

    @Test
    void flippedByteAnywhereInAMiddleRecordIsCorruption() throws IOException {
        List<Long> ends = writeTenEntries();
        Path segment = onlySegment(dir());
        byte[] original = Files.readAllBytes(segment);
        for (long at = ends.get(4); at < ends.get(5); at++) {
            byte[] bytes = original.clone();
            bytes[(int) at] ^= (byte) 0xff;
            Files.write(segment, bytes);
            WalCorruptException e = assertCorrupt(dir());
            assertEquals(ends.get(4), e.offset(), "flip at " + at + ": " + e.getMessage());
        }
        // Also in the record right before the last one.
        byte[] bytes = original.clone();
        bytes[(int) (ends.get(8) + 15)] ^= (byte) 0xff;
        Files.write(segment, bytes);
        assertEquals(ends.get(8), assertCorrupt(dir()).offset());
    }

    @Test
    void damagedLastRecordOfAnEarlierSegmentIsCorruption() throws IOException {
        try (Wal wal = Wal.create(dir(), META, smallSegments(512))) {
            for (long i = 1; i <= 30; i++) {
                wal.save(null, List.of(entry(i, 1, 60)));
            }
        }
        List<Path> files = segmentFiles(dir());
        assertTrue(files.size() > 2);
        Path first = files.getFirst();
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 10] ^= (byte) 0xff;
        Files.write(first, bytes);
        WalCorruptException e = assertCorrupt(dir());
        assertEquals(first, e.file());
        assertTrue(e.getMessage().startsWith("wal: corrupt record in " + first + " at offset "), e.getMessage());

        // A truncated earlier segment is corruption too, not a torn tail.
        Files.write(first, Arrays.copyOf(bytes, bytes.length - 30));
        assertEquals(first, assertCorrupt(dir()).file());
    }

    @Test
    void damagedSegmentHeadIsCorruption() throws IOException {
        writeTenEntries();
        Path segment = onlySegment(dir());
        byte[] original = Files.readAllBytes(segment);

        byte[] badMagic = original.clone();
        badMagic[0] = 'X';
        Files.write(segment, badMagic);
        WalCorruptException e = assertCorrupt(dir());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());

        Files.write(segment, Arrays.copyOf(original, 5));
        assertEquals(0, assertCorrupt(dir()).offset());

        // Segments are renamed into place complete, so a damaged METADATA record cannot be a torn write.
        Files.write(segment, Arrays.copyOf(original, 20));
        assertEquals(8, assertCorrupt(dir()).offset());
    }

    @Test
    void handBuiltSegmentFollowingTheDocumentedFormatIsRead() throws IOException {
        new SegmentBuilder()
                .record(METADATA, META)
                .record(STATE, state(3, 2, 4))
                .record(ENTRY, entry(1, 1))
                .record(ENTRY, entry(2, 1))
                .record(SNAPSHOT, mark(1, 1))
                .record(ENTRY, entry(3, 3))
                .writeTo(dir(), 0, 1);
        WalContents c = read(dir());
        assertArrayEquals(META, c.metadata());
        assertEquals(state(3, 2, 4), c.hardState());
        assertEquals(mark(1, 1), c.lastSnapshot());
        assertEquals(List.of(entry(2, 1), entry(3, 3)), c.entries());

        // And what the Wal writes reads back the same way through the hand-written layout.
        try (Wal wal = Wal.open(dir(), WalOptions.defaults()).wal()) {
            wal.save(null, entries(4, 4, 3));
        }
        byte[] expected = new SegmentBuilder()
                .record(METADATA, META)
                .record(STATE, state(3, 2, 4))
                .record(ENTRY, entry(1, 1))
                .record(ENTRY, entry(2, 1))
                .record(SNAPSHOT, mark(1, 1))
                .record(ENTRY, entry(3, 3))
                .record(ENTRY, entry(4, 3))
                .bytes();
        assertArrayEquals(expected, Files.readAllBytes(onlySegment(dir())));
    }

    @Test
    void intactRecordsTheWriterCannotHaveWrittenAreCorruptionEvenAtTheEnd() throws IOException {
        List<SegmentBuilder> cases = List.of(
                new SegmentBuilder().record(METADATA, META).record(9, new byte[] {1}),
                new SegmentBuilder().record(METADATA, META).record(ENTRY, entry(1, 1).toByteArray(), new byte[] {0, 1, 0}),
                new SegmentBuilder().record(METADATA, META).record(ENTRY, new byte[] {(byte) 0xff, (byte) 0xff}),
                new SegmentBuilder().record(METADATA, META).record(METADATA, META),
                new SegmentBuilder().record(ENTRY, entry(1, 1)),
                new SegmentBuilder().record(METADATA, META).record(ENTRY, entry(1, 1)).record(ENTRY, entry(3, 1)),
                new SegmentBuilder().record(METADATA, META).record(ENTRY, entry(2, 1)),
                new SegmentBuilder().record(METADATA, META).record(SNAPSHOT, mark(5, 1)).record(SNAPSHOT, mark(4, 1)),
                new SegmentBuilder().record(METADATA, META).record(ENTRY, entry(1, 1)).record(SNAPSHOT, mark(3, 1))
                        .record(ENTRY, entry(3, 1)));
        List<String> reasons = List.of("unknown record type 9", "reserved header bytes", "undecodable ENTRY",
                "METADATA record after", "does not start with a METADATA", "missing entries", "missing entries",
                "below the earlier mark", "at or below the snapshot mark");
        for (int i = 0; i < cases.size(); i++) {
            Path dir = tmp.resolve("case-" + i);
            Path file = cases.get(i).writeTo(dir, 0, 1);
            WalCorruptException e = assertCorrupt(dir);
            assertEquals(file, e.file());
            assertTrue(e.getMessage().contains(reasons.get(i)), i + ": " + e.getMessage());
        }
    }

    @Test
    void metadataMismatchBetweenSegmentsIsCorruption() throws IOException {
        new SegmentBuilder().record(METADATA, META).record(ENTRY, entry(1, 1)).writeTo(dir(), 0, 1);
        Path second = new SegmentBuilder().record(METADATA, "member=2 cluster=7".getBytes())
                .record(ENTRY, entry(2, 1)).writeTo(dir(), 1, 2);
        WalCorruptException e = assertCorrupt(dir());
        assertEquals(second, e.file());
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("metadata differs"), e.getMessage());
    }

    @Test
    void entriesNotStartingRightAfterTheMarkAreCorruption() throws IOException {
        // A segment claiming to start at 11 after releasing, with a mark at 5: entries 6..10 are missing.
        new SegmentBuilder().record(METADATA, META).record(SNAPSHOT, mark(5, 1)).record(ENTRY, entry(11, 1))
                .writeTo(dir(), 3, 11);
        WalCorruptException e = assertCorrupt(dir());
        assertTrue(e.getMessage().contains("missing entries"), e.getMessage());
    }
}
