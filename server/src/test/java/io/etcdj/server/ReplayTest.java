package io.etcdj.server;

import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import io.etcdj.spi.server.RequestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend behind its WAL, as after a crash that lost unsynced backend commits (simulated by
 * putting back a copy of the backend taken earlier): the start replays the WAL's suffix, unless a
 * snapshot promised data the backend no longer has.
 */
class ReplayTest {
    @TempDir
    Path dir;

    @Test
    void startReplaysWhatTheBackendLostBeforeServing() throws Exception {
        TestMembers.Member member = TestMembers.member(dir.resolve("data"), "rocks");
        Path backend = dir.resolve("data/member/rocks");
        Path saved = dir.resolve("saved");
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            put(server, "k0", "v0");
        }
        copy(backend, saved);
        Map<String, Long> written = new LinkedHashMap<>();
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            for (int i = 1; i <= 30; i++) {
                written.put("k" + i, put(server, "k" + i, "v" + i).getHeader().getRevision());
            }
        }
        replace(backend, saved);

        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            // Serializable reads answer from the local state without waiting for anything: right
            // after the start it must already hold every committed write.
            RangeResponse all = serializableAll(server);
            assertEquals(31, all.getKvsCount(), all.toString());
            assertEquals(32, all.getHeader().getRevision());
            for (var kv : all.getKvsList()) {
                String key = kv.getKey().toStringUtf8();
                if (!key.equals("k0")) {
                    assertEquals(written.get(key), kv.getModRevision(), key);
                }
            }
            assertEquals(33, put(server, "next", "v").getHeader().getRevision());
        }
    }

    @Test
    void backendOlderThanTheLastSnapshotIsRefused() throws Exception {
        TestMembers.Member member = TestMembers.member(dir.resolve("data"), "rocks", "--snapshot-count", "5");
        Path backend = dir.resolve("data/member/rocks");
        Path saved = dir.resolve("saved");
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            put(server, "k0", "v0");
        }
        copy(backend, saved);
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            for (int i = 1; i <= 20; i++) {
                put(server, "k" + i, "v" + i);
            }
        }
        replace(backend, saved);
        // The WAL dropped the entries before its snapshot mark: they cannot be replayed.
        Bootstrap.StartupException e = assertThrows(Bootstrap.StartupException.class,
                () -> Bootstrap.start(member.config()));
        assertTrue(e.getMessage().contains("the backend lost data it had synced"), e.getMessage());
    }

    /** Every "k..." key, read without any wait. */
    private static RangeResponse serializableAll(EtcdServer server) {
        return TestMembers.await(server.range(RangeRequest.newBuilder().setKey(bytes("k")).setRangeEnd(bytes("l"))
                .setSerializable(true).build(), RequestContext.NONE));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void replace(Path target, Path with) throws IOException {
        try (Stream<Path> files = Files.walk(target)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        copy(with, target);
    }
}
