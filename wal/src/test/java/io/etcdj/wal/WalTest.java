package io.etcdj.wal;

import static io.etcdj.wal.WalFixtures.METADATA;
import static io.etcdj.wal.WalFixtures.entries;
import static io.etcdj.wal.WalFixtures.entry;
import static io.etcdj.wal.WalFixtures.mark;
import static io.etcdj.wal.WalFixtures.read;
import static io.etcdj.wal.WalFixtures.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("wal");
    }

    @Test
    void freshWalReadsBackEmpty() throws IOException {
        Wal.create(dir(), METADATA, WalOptions.defaults()).close();
        WalContents c = read(dir());
        assertArrayEquals(METADATA, c.metadata());
        assertNull(c.lastSnapshot());
        assertEquals(HardState.getDefaultInstance(), c.hardState());
        assertEquals(List.of(), c.entries());
        assertEquals(0, c.repairedTailBytes());
        assertEquals(List.of(dir().resolve("0000000000000000-0000000000000001.wal")), WalFixtures.segmentFiles(dir()));
    }

    @Test
    void roundTrip() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(state(1, 1, 0), entries(1, 3, 1));
            wal.save(state(2, 2, 3), List.of(entry(4, 2, 5000), entry(5, 2, 0)));
            wal.sync();
        }
        WalContents c = read(dir());
        assertArrayEquals(METADATA, c.metadata());
        assertEquals(state(2, 2, 3), c.hardState());
        List<Entry> expected = new ArrayList<>(entries(1, 3, 1));
        expected.add(entry(4, 2, 5000));
        expected.add(entry(5, 2, 0));
        assertEquals(expected, c.entries());
    }

    @Test
    void metadataIsCopiedAndMayBeEmpty() throws IOException {
        byte[] metadata = {1, 2, 3};
        try (Wal wal = Wal.create(dir(), metadata, WalOptions.defaults())) {
            metadata[0] = 9;
            wal.save(null, entries(1, 1, 1));
        }
        assertArrayEquals(new byte[] {1, 2, 3}, read(dir()).metadata());

        Path other = tmp.resolve("empty-metadata");
        Wal.create(other, new byte[0], WalOptions.defaults()).close();
        assertArrayEquals(new byte[0], read(other).metadata());
    }

    @Test
    void reopenAppendsAtTheEnd() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(state(1, 1, 2), entries(1, 3, 1));
        }
        Wal.Opened opened = Wal.open(dir(), WalOptions.defaults());
        try (Wal wal = opened.wal()) {
            assertEquals(entries(1, 3, 1), opened.contents().entries());
            wal.save(state(1, 1, 5), entries(4, 6, 1));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir(), WalOptions.defaults()).wal()) {
            wal.save(null, entries(7, 7, 1));
        }
        WalContents c = read(dir());
        assertEquals(entries(1, 7, 1), c.entries());
        assertEquals(state(1, 1, 5), c.hardState());
    }

    @Test
    void groupCommitSyncsOnceForSeveralSaves() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(state(1, 1, 0), entries(1, 2, 1));
            wal.save(null, entries(3, 4, 1));
            wal.save(state(1, 1, 4), List.of());
            assertEquals(0, wal.syncCount());
            wal.sync();
            assertEquals(1, wal.syncCount());
            wal.sync(); // nothing new: no fsync
            assertEquals(1, wal.syncCount());
            wal.save(null, List.of()); // nothing to write
            wal.save(state(1, 1, 4), List.of()); // unchanged state is not written again
            wal.sync();
            assertEquals(1, wal.syncCount());
            wal.saveSnapshot(mark(2, 1)); // syncs by itself
            assertEquals(2, wal.syncCount());
        }
        WalContents c = read(dir());
        assertEquals(entries(3, 4, 1), c.entries());
        assertEquals(state(1, 1, 4), c.hardState());
    }

    @Test
    void laterEntriesOverwriteFromTheirIndexOn() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(null, entries(1, 10, 1));
            wal.save(null, entries(6, 8, 2));
        }
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 8, 2));
        assertEquals(expected, read(dir()).entries());

        // Appending continues after the overwrite; a second overwrite may go further back.
        try (Wal wal = Wal.open(dir(), WalOptions.defaults()).wal()) {
            wal.save(null, entries(9, 9, 2));
            wal.save(null, entries(3, 4, 3));
            wal.save(null, entries(5, 5, 3));
        }
        expected = new ArrayList<>(entries(1, 2, 1));
        expected.addAll(entries(3, 5, 3));
        assertEquals(expected, read(dir()).entries());
    }

    @Test
    void lastHardStateWinsAndNullOrEmptyMeansUnchanged() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(state(1, 1, 0), entries(1, 1, 1));
            wal.save(state(2, 3, 1), List.of());
            wal.save(null, entries(2, 2, 2));
            wal.save(HardState.getDefaultInstance(), entries(3, 3, 2));
        }
        assertEquals(state(2, 3, 1), read(dir()).hardState());
    }

    @Test
    void openReturnsOnlyEntriesAfterTheLastSnapshotMark() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(state(1, 1, 10), entries(1, 10, 1));
            wal.saveSnapshot(mark(5, 1));
            wal.save(null, entries(11, 12, 1));
        }
        WalContents c = read(dir());
        assertEquals(mark(5, 1), c.lastSnapshot());
        assertEquals(entries(6, 12, 1), c.entries());

        try (Wal wal = Wal.open(dir(), WalOptions.defaults()).wal()) {
            wal.saveSnapshot(mark(12, 1));
        }
        c = read(dir());
        assertEquals(mark(12, 1), c.lastSnapshot());
        assertEquals(List.of(), c.entries());
    }

    @Test
    void snapshotMarkAheadOfTheLogDropsItAndEntriesContinueAfterIt() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(null, entries(1, 3, 1));
            wal.saveSnapshot(mark(10, 4)); // e.g. a snapshot received from the leader
            assertThrows(IllegalArgumentException.class, () -> wal.save(null, entries(4, 4, 4)));
            assertThrows(IllegalArgumentException.class, () -> wal.save(null, entries(12, 12, 4)));
            wal.save(null, entries(11, 12, 4));
        }
        WalContents c = read(dir());
        assertEquals(mark(10, 4), c.lastSnapshot());
        assertEquals(entries(11, 12, 4), c.entries());
    }

    @Test
    void saveRejectsEntriesThatWouldCorruptTheLog() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(null, entries(1, 3, 1));
            IllegalArgumentException gap = assertThrows(IllegalArgumentException.class,
                    () -> wal.save(null, entries(5, 6, 1)));
            assertTrue(gap.getMessage().contains("gap"), gap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> wal.save(null, List.of(entry(4, 1), entry(6, 1))));
            assertThrows(IllegalArgumentException.class, () -> wal.save(null, entries(0, 0, 1)));
            wal.saveSnapshot(mark(2, 1));
            assertThrows(IllegalArgumentException.class, () -> wal.save(null, entries(2, 3, 1)));
            assertThrows(IllegalArgumentException.class, () -> wal.saveSnapshot(mark(1, 1)));
            wal.save(null, entries(3, 4, 2)); // overwrite above the mark is fine
        }
        // The rejected calls wrote nothing.
        WalContents c = read(dir());
        assertEquals(entries(3, 4, 2), c.entries());
        assertEquals(mark(2, 1), c.lastSnapshot());
    }

    @Test
    void createRefusesAnExistingWal() throws IOException {
        assertFalse(Wal.exists(dir()));
        Wal.create(dir(), METADATA, WalOptions.defaults()).close();
        assertTrue(Wal.exists(dir()));
        assertThrows(FileAlreadyExistsException.class, () -> Wal.create(dir(), METADATA, WalOptions.defaults()));
    }

    @Test
    void missingOrEmptyDirectoryIsNotAWal() throws IOException {
        Path missing = tmp.resolve("missing");
        assertFalse(Wal.exists(missing));
        assertThrows(NoSuchFileException.class, () -> Wal.open(missing, WalOptions.defaults()));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("README"), "not a segment");
        assertFalse(Wal.exists(empty));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Wal.open(empty, WalOptions.defaults()));
        assertTrue(e.getMessage().contains("no segment files"), e.getMessage());
    }

    @Test
    void foreignFileNamesAreIgnoredAndIncompleteSegmentsDeleted() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            wal.save(null, entries(1, 2, 1));
        }
        List<String> foreign = List.of("notes.txt", "zz.wal", "0000000000000000-0000000000000001.WAL",
                "000000000000000-0000000000000001.wal", "0000000000000001-000000000000000A.wal",
                "0000000000000000-0000000000000001.wal.bak");
        for (String name : foreign) {
            Files.writeString(dir().resolve(name), "garbage");
        }
        Path temp = dir().resolve("0000000000000001-0000000000000003.wal.tmp");
        Files.writeString(temp, "half-written segment");

        assertEquals(entries(1, 2, 1), read(dir()).entries());
        assertFalse(Files.exists(temp));
        for (String name : foreign) {
            assertTrue(Files.exists(dir().resolve(name)), name);
        }
    }

    @Test
    void secondOpenWhileOpenFails() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults())) {
            assertThrows(IOException.class, () -> Wal.open(dir(), WalOptions.defaults()));
            wal.save(null, entries(1, 1, 1)); // the first writer is unaffected
        }
        try (Wal wal = Wal.open(dir(), WalOptions.defaults()).wal()) {
            assertThrows(IOException.class, () -> Wal.open(dir(), WalOptions.defaults()));
            wal.save(null, entries(2, 2, 1));
        }
        assertEquals(entries(1, 2, 1), read(dir()).entries());
    }

    @Test
    void closedWalRejectsCalls() throws IOException {
        Wal wal = Wal.create(dir(), METADATA, WalOptions.defaults());
        wal.close();
        wal.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> wal.save(null, entries(1, 1, 1)));
        assertThrows(IllegalStateException.class, wal::sync);
    }

    @Test
    void optionsValidateSegmentSize() {
        assertThrows(IllegalArgumentException.class, () -> new WalOptions(0));
        assertThrows(IllegalArgumentException.class, () -> new WalOptions(2L << 30));
        assertEquals(64L << 20, WalOptions.defaults().segmentSizeBytes());
    }
}
