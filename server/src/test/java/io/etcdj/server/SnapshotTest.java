package io.etcdj.server;

import static io.etcdj.server.TestMembers.get;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.wal.Wal;
import io.etcdj.wal.WalContents;
import io.etcdj.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --snapshot-count: the WAL is cut behind each snapshot, and a restart replays only what follows it. */
class SnapshotTest {
    private static final WalOptions SMALL_SEGMENTS = new WalOptions(4096);
    private static final String FIRST_SEGMENT = "0000000000000000-0000000000000001.wal";

    @TempDir
    Path dir;

    @Test
    void oldSegmentsAreReleasedAndRestartReplaysOnlyTheSuffix() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks", "--snapshot-count", "50");
        Path walDir = dir.resolve("member/wal");
        String value = "v".repeat(200);  // about 250 bytes a put: a 4 KiB segment holds ~15
        Map<String, Long> revisions = new HashMap<>();

        try (EtcdServer server = Bootstrap.start(member.config(), SMALL_SEGMENTS).server()) {
            for (int i = 0; i < 300; i++) {
                revisions.put("k" + i, put(server, "k" + i, value + i).getHeader().getRevision());
            }
            List<String> segments = segmentNames(walDir);
            assertFalse(segments.contains(FIRST_SEGMENT), "the first segment was released: " + segments);
            // 300 puts fill ~20 segments; only those after the last snapshot (at most 50 entries) remain.
            assertTrue(segments.size() <= 6, "segments left: " + segments);
        }

        // What a restart reads: the last snapshot mark and only the entries after it.
        WalContents contents;
        Wal.Opened opened = Wal.open(walDir, SMALL_SEGMENTS);
        try {
            contents = opened.contents();
        } finally {
            opened.wal().close();
        }
        assertNotNull(contents.lastSnapshot(), "a snapshot mark was saved");
        long mark = contents.lastSnapshot().getIndex();
        assertTrue(mark >= 250, "snapshots were taken every 50 entries up to the end; last at " + mark);
        assertTrue(contents.entries().size() < 50, contents.entries().size() + " entries after the mark");
        if (!contents.entries().isEmpty()) {
            assertEquals(mark + 1, contents.entries().getFirst().getIndex());
        }

        // Starting needs the entries before the mark no more: they are gone, and all data is there.
        try (EtcdServer server = Bootstrap.start(member.config(), SMALL_SEGMENTS).server()) {
            assertData(server, revisions, value);
            for (int i = 300; i < 400; i++) {
                revisions.put("k" + i, put(server, "k" + i, value + i).getHeader().getRevision());
            }
            assertData(server, revisions, value);
        }
        try (EtcdServer server = Bootstrap.start(member.config(), SMALL_SEGMENTS).server()) {
            assertData(server, revisions, value);
            assertEquals(401, server.currentRevision());
        }
    }

    private static void assertData(EtcdServer server, Map<String, Long> revisions, String value) {
        for (var e : revisions.entrySet()) {
            KeyValue kv = get(server, e.getKey());
            assertNotNull(kv, e.getKey());
            assertEquals(value + e.getKey().substring(1), kv.getValue().toStringUtf8());
            assertEquals(e.getValue(), kv.getModRevision(), e.getKey());
        }
    }

    private static List<String> segmentNames(Path walDir) throws IOException {
        try (Stream<Path> files = Files.list(walDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wal")).sorted().toList();
        }
    }
}
