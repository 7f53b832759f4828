package io.etcdj.server;

import static io.etcdj.server.TestMembers.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.server.plugin.Providers;
import io.etcdj.wal.Wal;
import io.etcdj.wal.WalOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data dirs and flags a member must refuse to start with, with a message that says what to do. */
class StartupErrorsTest {
    @TempDir
    Path dir;

    @Test
    void dataDirOfOneStoreStartedWithTheOther() throws Exception {
        Path data = dir.resolve("data");
        TestMembers.Member rocks = TestMembers.member(data, "rocks");
        try (EtcdServer server = Bootstrap.start(rocks.config()).server()) {
            put(server, "k", "v");
        }
        TestMembers.Member lmdb = TestMembers.member(data, "lmdb");
        Bootstrap.StartupException e = assertThrows(Bootstrap.StartupException.class,
                () -> Bootstrap.start(lmdb.config()));
        assertTrue(e.getMessage().contains("was created with --store=rocks"), e.getMessage());
        assertTrue(e.getMessage().contains("start it with --store=rocks"), e.getMessage());
        assertFalse(Files.exists(data.resolve("member/lmdb")), "nothing was created for the refused store");

        // And the other way round.
        Path data2 = dir.resolve("data2");
        try (EtcdServer server = Bootstrap.start(TestMembers.member(data2, "lmdb").config()).server()) {
            put(server, "k", "v");
        }
        e = assertThrows(Bootstrap.StartupException.class,
                () -> Bootstrap.start(TestMembers.member(data2, "rocks").config()));
        assertTrue(e.getMessage().contains("was created with --store=lmdb"), e.getMessage());
        // The data dir still starts with its own store.
        try (EtcdServer server = Bootstrap.start(rocks.config()).server()) {
            assertEquals("v", TestMembers.get(server, "k").getValue().toStringUtf8());
        }
    }

    @Test
    void unknownStoreListsTheInstalledOnes() {
        var e = assertThrows(Providers.PluginSelectionException.class,
                () -> Bootstrap.start(TestMembers.member(dir, "bolt").config()));
        assertTrue(e.getMessage().startsWith("etcdj: unknown --store \"bolt\"; installed: "), e.getMessage());
        assertTrue(e.getMessage().contains("rocks ("), e.getMessage());
        assertTrue(e.getMessage().contains("lmdb ("), e.getMessage());
        assertFalse(Files.exists(dir.resolve("member")), "nothing was created");
    }

    @Test
    void walWithoutEntries() throws Exception {
        // What an interrupted first start leaves: a WAL created, nothing written to it yet.
        Path walDir = dir.resolve("member/wal");
        Wal.create(walDir, new ServerIdentity(1, 2).toWalMetadata(), WalOptions.defaults()).close();
        for (int attempt = 0; attempt < 2; attempt++) {
            Bootstrap.StartupException e = assertThrows(Bootstrap.StartupException.class,
                    () -> Bootstrap.start(TestMembers.member(dir, "rocks").config()));
            assertTrue(e.getMessage().contains("holds no entries"), e.getMessage());
            assertTrue(e.getMessage().contains("remove " + dir), e.getMessage());
        }
    }

    @Test
    void backendWithoutItsWal() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks");
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            put(server, "k", "v");
        }
        Path walDir = dir.resolve("member/wal");
        try (Stream<Path> files = Files.walk(walDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        // Without its WAL the member would bootstrap a new log under data it applied from the old one.
        for (int attempt = 0; attempt < 2; attempt++) {
            Bootstrap.StartupException e = assertThrows(Bootstrap.StartupException.class,
                    () -> Bootstrap.start(member.config()));
            assertTrue(e.getMessage().contains("there is no WAL in " + walDir), e.getMessage());
            assertFalse(Wal.exists(walDir), "a refused start creates no WAL");
        }
    }
}
