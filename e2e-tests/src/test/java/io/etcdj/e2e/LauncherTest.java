package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The launcher as a user meets it: version, help, a bad flag, configuration by environment, and SIGTERM. */
class LauncherTest {

    @Test
    void versionPrintsTheEtcdVersionFirst() {
        Run run = launch("--version");
        assertEquals(0, run.exitCode(), run::toString);
        // Tools read the first line only; what follows differs (etcd names its Go build there).
        assertTrue(run.stdout().startsWith("etcd Version: 3.4."), run::toString);
        assertEquals("", run.stderr());
    }

    @Test
    void helpExitsZeroAndDescribesTheFlags() {
        for (String flag : List.of("--help", "-h")) {
            Run run = launch(flag);
            assertEquals(0, run.exitCode(), run::toString);
            String all = run.stdout() + run.stderr();
            assertTrue(all.contains("Usage:"), run::toString);
            assertTrue(all.contains("--data-dir"), run::toString);
            assertTrue(all.contains("--listen-client-urls"), run::toString);
        }
    }

    @Test
    void unknownFlagExitsTwoWithTheErrorOnStandardError() {
        Run run = launch("--no-such-flag");
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals("", run.stdout());
        // Go's flag package names the flag with one dash; etcd prints its usage text after that line.
        assertEquals("flag provided but not defined: -no-such-flag", run.stderr().lines().findFirst().orElse(""));
    }

    @ParameterizedTest
    @MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
    void servesThenStopsOnSigtermAndKeepsItsData(ServerVariant variant) {
        try (EtcdProcess server = EtcdProcess.start("launch", variant)) {
            Etcdctl ctl = server.etcdctl();
            assertEquals("OK\n", ctl.ok("put", "launch/k", "v"));
            // The JVM, like etcd (which re-raises the signal), dies of SIGTERM: 128 + 15 as Java reports it.
            assertEquals(143, server.stop(), server::logTail);
            assertFalse(server.isRunning());
            server.startAgain();
            assertEquals("launch/k\nv\n", ctl.ok("get", "launch/k"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
    void takesItsSettingsFromEtcdEnvironmentVariables(ServerVariant variant) {
        try (EtcdProcess server = EtcdProcess.builder("envcfg").args(variant.extraArgs())
                .env("ETCD_MAX_TXN_OPS", "3").start()) {
            Etcdctl ctl = server.etcdctl();
            Etcdctl.Result three = ctl.runWithInput("\nput env/1 a\nput env/2 b\nput env/3 c\n\n\n", "txn");
            assertEquals(0, three.exitCode(), three::toString);
            Etcdctl.Result four = ctl.runWithInput("\nput env/1 a\nput env/2 b\nput env/3 c\nput env/4 d\n\n\n", "txn");
            assertEquals(1, four.exitCode(), four::toString);
            assertEquals("Error: etcdserver: too many operations in txn request", four.errorLine());
        }
    }

    private static Run launch(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ServerUnderTest.executable().toString());
        command.addAll(List.of(args));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("launch");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            // Run inside the scratch directory: etcd must not leave a default.etcd anywhere else.
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError(command + " did not exit within 60 s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (dir != null) {
                TempFiles.deleteRecursively(dir);
            }
        }
    }

    private record Run(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }
}
