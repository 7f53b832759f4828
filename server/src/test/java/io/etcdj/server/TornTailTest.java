package io.etcdj.server;

import static io.etcdj.server.TestMembers.get;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.wal.WalCorruptException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the WAL, as found after a crash: a torn tail is repaired and the member starts with
 * everything acknowledged; damage in the middle stops the start with the file and offset named.
 *
 * <p>Each put is one Raft Ready: the loop writes its ENTRY record and then a STATE record (the hard
 * state with the new commit index) in one batch, syncs, and only then applies and answers. So the
 * WAL of a member closed after N puts ends with ENTRY(last put), STATE(commit = its index).
 */
class TornTailTest {
    private static final int ENTRY = 2;
    private static final int STATE = 3;
    private static final int PUTS = 20;

    @TempDir
    Path dir;

    @Test
    void cuttingTheFinalStateRecordIsRepairedAndNothingAcknowledgedIsLost() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks");
        Map<String, Long> written = writeAndClose(member);
        Path segment = lastSegment();
        List<Rec> records = records(segment);
        Rec last = records.getLast();
        assertEquals(STATE, last.type(), "the WAL ends with the last put's hard state");
        assertEquals(ENTRY, records.get(records.size() - 2).type(), "preceded by the last put's entry");
        assertEquals(Files.size(segment), last.end());

        // A crash in the middle of writing the final STATE record: its last 3 bytes never reached the disk.
        truncate(segment, Files.size(segment) - 3);

        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            // The cut record held only the commit index, which the member relearns; the entry it
            // committed is still in the WAL, and every put is there at its revision.
            assertData(server, written);
            assertEquals(PUTS + 1, server.currentRevision());
            written.put("after", put(server, "after", "repair").getHeader().getRevision());
            assertEquals(PUTS + 2, (long) written.get("after"));
        }
        // The repair cut exactly the torn record: new records continue at its offset, all intact.
        List<Rec> repaired = records(segment);
        assertTrue(repaired.stream().anyMatch(r -> r.offset() == last.offset()),
                "a record starts where the torn one did");
        assertEquals(Files.size(segment), repaired.getLast().end(), "no damage left in the segment");
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            assertData(server, written);
        }
    }

    @Test
    void cuttingAnEntryTheBackendAppliedRefusesToStart() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "lmdb");
        writeAndClose(member);
        Path segment = lastSegment();
        List<Rec> records = records(segment);
        Rec lastEntry = records.get(records.size() - 2);
        assertEquals(ENTRY, lastEntry.type());

        // The last put's entry is torn too. The backend applied it (it was synced first, as always),
        // so the WAL lost an entry it had synced: starting could let Raft write a different entry at
        // that index, which this member would then never apply.
        truncate(segment, lastEntry.offset() + 5);
        for (int attempt = 0; attempt < 2; attempt++) {  // a failed start leaves nothing open behind
            Bootstrap.StartupException e = assertThrows(Bootstrap.StartupException.class,
                    () -> Bootstrap.start(member.config()));
            assertTrue(e.getMessage().contains("applied index " + (PUTS + 2) + " beyond the last entry of the WAL (index " + (PUTS + 1) + ")"),
                    e.getMessage());
        }
    }

    @Test
    void aFlippedByteInAMiddleRecordStopsTheStartNamingFileAndOffset() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks");
        writeAndClose(member);
        Path segment = lastSegment();
        List<Rec> entries = records(segment).stream().filter(r -> r.type() == ENTRY).toList();
        Rec victim = entries.get(entries.size() / 2);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) victim.offset() + 12] ^= 0x20;  // first payload byte
        Files.write(segment, bytes);

        for (int attempt = 0; attempt < 2; attempt++) {  // a failed start leaves nothing open behind
            WalCorruptException e = assertThrows(WalCorruptException.class, () -> Bootstrap.start(member.config()));
            assertEquals(victim.offset(), e.offset());
            assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("at offset " + victim.offset()), e.getMessage());
        }
        assertArrayEquals(bytes, Files.readAllBytes(segment), "a corrupt WAL is left as found");
    }

    private Map<String, Long> writeAndClose(TestMembers.Member member) throws IOException {
        Map<String, Long> written = new LinkedHashMap<>();
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            for (int i = 0; i < PUTS; i++) {
                written.put("k" + i, put(server, "k" + i, "v" + i).getHeader().getRevision());
            }
        }
        return written;
    }

    private static void assertData(EtcdServer server, Map<String, Long> written) {
        for (var e : written.entrySet()) {
            KeyValue kv = get(server, e.getKey());
            assertNotNull(kv, e.getKey());
            assertEquals(e.getValue(), kv.getModRevision(), e.getKey());
        }
    }

    private Path lastSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("member/wal"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal")).sorted().toList().getLast();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** A record of a segment: where it starts, its type, and where its frame ends. */
    record Rec(long offset, int type, long end) {
    }

    /**
     * The intact records of a segment, read as the WAL's package documentation specifies: an 8-byte
     * header, then frames of CRC32C, little-endian payload length, type, 3 reserved bytes, payload,
     * zero padding to a multiple of 8. Stops at the first frame that is cut off or fails its CRC.
     */
    static List<Rec> records(Path segment) throws IOException {
        byte[] b = Files.readAllBytes(segment);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<Rec> out = new ArrayList<>();
        int off = 8;
        CRC32C crc = new CRC32C();
        while (off + 12 <= b.length) {
            int length = buf.getInt(off + 4);
            int frame = (12 + length + 7) & -8;
            if (length < 0 || off + frame > b.length) {
                break;
            }
            crc.reset();
            crc.update(b, off + 4, frame - 4);
            if ((int) crc.getValue() != buf.getInt(off)) {
                break;
            }
            out.add(new Rec(off, b[off + 8], off + frame));
            off += frame;
        }
        return out;
    }
}
