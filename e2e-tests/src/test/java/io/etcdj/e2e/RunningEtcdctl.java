package io.etcdj.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An etcdctl that keeps running while the test works ({@code watch}, {@code lock}, {@code elect},
 * {@code lease keep-alive}, {@code watch -i}), with its output collected line by line as it comes.
 *
 * <p>Every run is bounded: it is killed with SIGKILL when its lifetime is over, when it is closed, and by
 * a JVM shutdown hook, so no etcdctl outlives the test that started it. Standard input is a pipe the test
 * can write lines to ({@link #send(String)}) and close ({@link #closeInput()}).
 */
public final class RunningEtcdctl implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final List<String> command;
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final OutputStream stdin;

    private RunningEtcdctl(List<String> command, Duration lifetime) {
        this.command = List.copyOf(command);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        CompletableFuture.delayedExecutor(lifetime.toMillis(), TimeUnit.MILLISECONDS).execute(process::destroyForcibly);
        stdin = process.getOutputStream();
        stdoutReader = Thread.ofPlatform().daemon().name("etcdctl-stdout").start(() -> collect(process.getInputStream(), stdout));
        stderrReader = Thread.ofPlatform().daemon().name("etcdctl-stderr").start(() -> collect(process.getErrorStream(), stderr));
    }

    /**
     * Starts {@code etcdctl --endpoints=<endpoint> <args>}; it is killed after {@code lifetime} at the latest.
     */
    static RunningEtcdctl start(String endpoint, Duration lifetime, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ServerUnderTest.ETCDCTL.toString());
        command.add("--endpoints=" + endpoint);
        command.add("--dial-timeout=5s");
        command.addAll(List.of(args));
        return new RunningEtcdctl(command, lifetime);
    }

    /** Writes one line (a newline is appended) to etcdctl's standard input. */
    public void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + command, e);
        }
    }

    /** Closes etcdctl's standard input (it then reads end of file). */
    public void closeInput() {
        try {
            stdin.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines printed on standard output so far. */
    public List<String> lines() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    /** The lines printed on standard error so far, without the client's JSON log lines. */
    public List<String> errorLines() {
        synchronized (stderr) {
            return stderr.stream().filter(line -> !line.startsWith("{\"level\"")).toList();
        }
    }

    /**
     * Waits until standard output has at least {@code count} lines and returns all of them.
     *
     * @throws AssertionError with everything printed so far when they do not come within {@code timeout}
     */
    public List<String> awaitLines(int count, Duration timeout) {
        return awaitOutput(lines -> lines.size() >= count, timeout, "at least " + count + " lines");
    }

    /** Waits until standard output satisfies {@code condition}; returns all lines then. */
    public List<String> awaitOutput(Predicate<List<String>> condition, Duration timeout, String what) {
        if (!printsWithin(condition, timeout)) {
            throw new AssertionError("etcdctl did not print " + what + " within " + timeout + "\n" + this);
        }
        return lines();
    }

    /** Waits at most {@code timeout} until standard output satisfies {@code condition}; false if it did not. */
    public boolean printsWithin(Predicate<List<String>> condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (stdout) {
            while (!condition.test(stdout)) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    return false;
                }
                try {
                    stdout.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            return true;
        }
    }

    /**
     * Checks that standard output still has exactly {@code count} lines after {@code quiet}: nothing more
     * was printed. This waits the whole {@code quiet} period; it proves an absence, never a speed.
     */
    public void assertNoMoreLinesAfter(int count, Duration quiet) {
        sleep(quiet);
        List<String> now = lines();
        if (now.size() != count) {
            throw new AssertionError("expected no output beyond line " + count + "\n" + this);
        }
    }

    /** True while etcdctl runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for etcdctl to exit by itself and for its output to be read to the end.
     *
     * @return the exit status
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("etcdctl did not exit within " + timeout + "\n" + this);
            }
            stdoutReader.join(Duration.ofSeconds(10));
            stderrReader.join(Duration.ofSeconds(10));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends SIGTERM (etcdctl's signal handlers unlock, resign and exit 0) and waits for the exit. */
    public int terminate() {
        process.destroy();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** Sends SIGKILL (no chance to clean up: a lock or candidacy stays until its lease expires). */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Kills etcdctl if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command) + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                + "\n--- stdout\n" + String.join("\n", lines()) + "\n--- stderr\n" + String.join("\n", errorLines());
    }

    private static void collect(InputStream stream, List<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (sink) {
                    sink.add(line);
                    sink.notifyAll();
                }
            }
        } catch (IOException closed) {
            // The process was killed while the line was being read: what was read so far is kept.
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
