package io.etcdj.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code /usr/bin/etcdctl} (API v3) against one endpoint on 127.0.0.1 and captures what it printed.
 * Standard input is empty unless given, so a {@code put} with one argument reads its value from it.
 */
public final class Etcdctl {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String endpoint;

    /** @param endpoint host:port of the client URL, always on 127.0.0.1 */
    public Etcdctl(String endpoint) {
        this.endpoint = endpoint;
    }

    /** Runs etcdctl with the given arguments and empty standard input. */
    public Result run(String... args) {
        return run(new byte[0], args);
    }

    /** Runs etcdctl with the given standard input (UTF-8) and arguments. */
    public Result runWithInput(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Runs etcdctl and asserts it exited 0; returns its standard output. */
    public String ok(String... args) {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("etcdctl " + String.join(" ", args) + " failed: " + result);
        }
        return result.stdout();
    }

    /** Runs etcdctl with the given standard input (UTF-8), asserts it exited 0 and returns its output. */
    public String okWithInput(String stdin, String... args) {
        Result result = runWithInput(stdin, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("etcdctl " + String.join(" ", args) + " failed: " + result);
        }
        return result.stdout();
    }

    /**
     * Starts a long-running etcdctl ({@code watch}, {@code lock}, ...) whose output the test reads while it
     * runs; it is killed after {@code lifetime} at the latest.
     */
    public RunningEtcdctl start(Duration lifetime, String... args) {
        return RunningEtcdctl.start(endpoint, lifetime, args);
    }

    /** The server's current revision, from the header of a read. */
    public long revision() {
        return Json.lng(Json.obj(Json.object(ok("get", "revision-probe", "-w", "json")), "header"), "revision");
    }

    /** Puts a key and returns the revision of the put. */
    public long put(String key, String value) {
        return Json.lng(Json.obj(Json.object(ok("put", key, value, "-w", "json")), "header"), "revision");
    }

    /** Runs etcdctl with the given standard input and arguments. */
    public Result run(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ServerUnderTest.ETCDCTL.toString());
        command.add("--endpoints=" + endpoint);
        command.add("--dial-timeout=5s");
        command.add("--command-timeout=20s");
        command.addAll(Arrays.asList(args));
        Path dir = null;
        try {
            // Files rather than pipes: no reader threads, and no deadlock on a multi-megabyte stdin.
            dir = Files.createTempDirectory("etcdctl");
            Path in = Files.write(dir.resolve("stdin"), stdin);
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().put("ETCDCTL_API", "3");
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("etcdctl did not finish within " + TIMEOUT + ": " + command);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            if (dir != null) {
                TempFiles.deleteRecursively(dir);
            }
        }
    }

    /**
     * What one etcdctl run produced.
     *
     * @param exitCode its exit status (0 ok, 1 server error, 3 invalid input, 128 bad arguments)
     * @param stdout   everything on standard output
     * @param stderr   everything on standard error (client warnings as JSON lines, then {@code Error: ...})
     */
    public record Result(int exitCode, String stdout, String stderr) {

        /** Standard output split into lines, without the line terminators. */
        public List<String> lines() {
            if (stdout.isEmpty()) {
                return List.of();
            }
            String body = stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
            return List.of(body.split("\n", -1));
        }

        /** The last non-empty line on standard error: etcdctl's {@code Error: ...} line. */
        public String errorLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1];
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }
}
