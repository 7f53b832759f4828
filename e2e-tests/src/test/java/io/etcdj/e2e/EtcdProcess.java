package io.etcdj.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One single-member server (etcdj or the reference etcd, see {@link ServerUnderTest}) on loopback ports,
 * with its own fresh data directory. {@link #start()} returns once etcdctl can talk to it.
 *
 * <p>Its standard output and error go to a log file under {@link ServerUnderTest#logDirectory()}, appended
 * across restarts. {@link #close()} stops the server and removes the data directory; a JVM shutdown hook
 * kills any server still running, so an aborted test run leaves no process behind.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final List<String> extraArgs;
    private final Map<String, String> env;
    private final Path dataDir;
    private final Path logFile;
    private final int clientPort;
    private final int peerPort;
    private final String initialCluster;
    private Process process;

    private EtcdProcess(String name, List<String> extraArgs, Map<String, String> env, int clientPort, int peerPort,
                        String initialCluster) {
        this.name = name;
        this.extraArgs = List.copyOf(extraArgs);
        this.env = Map.copyOf(env);
        try {
            this.dataDir = Files.createTempDirectory("e2e-" + name + "-");
            Path logs = Files.createDirectories(ServerUnderTest.logDirectory());
            // The PID keeps the logs of earlier test runs apart from this one's.
            this.logFile = logs.resolve(name + "-" + ProcessHandle.current().pid() + "-"
                    + SEQUENCE.incrementAndGet() + ".log");
            this.clientPort = clientPort != 0 ? clientPort : freeLoopbackPort();
            this.peerPort = peerPort != 0 ? peerPort : freeLoopbackPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.initialCluster = initialCluster != null ? initialCluster : name + "=" + peerUrl();
    }

    /** Starts a server of the given variant and waits until it serves clients. */
    public static EtcdProcess start(String name, ServerVariant variant) {
        return builder(name).args(variant.extraArgs()).start();
    }

    /** A builder for a server whose member name is {@code name} (also used to name its log file). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The client endpoint as etcdctl takes it: {@code 127.0.0.1:port}. */
    public String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** The client URL: {@code http://127.0.0.1:port}. */
    public String clientUrl() {
        return "http://" + endpoint();
    }

    /** The peer URL: {@code http://127.0.0.1:port}. */
    public String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /** An etcdctl bound to this server's client endpoint. */
    public Etcdctl etcdctl() {
        return new Etcdctl(endpoint());
    }

    /** (Re)starts the server on the same data directory and ports and waits until it serves clients. */
    public synchronized EtcdProcess startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        launch();
        awaitReady();
        return this;
    }

    /**
     * (Re)starts the server on the same data directory and ports without waiting for it to serve clients:
     * a member of a multi-member cluster cannot pass {@code endpoint health} before a quorum is up.
     */
    public synchronized EtcdProcess startAgainNoWait() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        launch();
        return this;
    }

    /** The member name given with {@code --name}. */
    public String name() {
        return name;
    }

    /** The PID of the running server process. */
    public synchronized long pid() {
        requireRunning();
        return process.pid();
    }

    /** Stops a running server gracefully ({@link #stop()}) and starts it again on the same data. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            stop();
        }
        startAgain();
    }

    /**
     * Sends SIGTERM to the server and waits for it to exit.
     *
     * @return the exit status as Java reports it (143 for a process that died of SIGTERM)
     * @throws AssertionError if it does not exit within 30 s (it is then killed)
     */
    public synchronized int stop() {
        requireRunning();
        process.toHandle().destroy(); // SIGTERM on Linux
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError(name + " did not exit within " + STOP_TIMEOUT + " of SIGTERM\n" + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            LIVE.remove(process);
        }
    }

    /** Kills the server with SIGKILL (no chance to flush anything) and waits until it is gone. */
    public synchronized void kill9() {
        requireRunning();
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            LIVE.remove(process);
        }
    }

    /**
     * Waits up to {@code timeout} for the server to exit by itself.
     *
     * @return its exit status, or -1 if it still runs
     */
    public int awaitExit(Duration timeout) {
        Process p;
        synchronized (this) {
            p = process;
        }
        try {
            if (p == null || !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return -1;
            }
            LIVE.remove(p);
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The whole log of the server (all its starts). */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True while the server process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            int from = Math.max(0, lines.size() - 40);
            return "--- last lines of " + logFile + "\n" + String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException e) {
            return "--- no log at " + logFile + ": " + e;
        }
    }

    /** Stops the server if it runs (killing it if it does not stop) and deletes its data directory. */
    @Override
    public synchronized void close() {
        try {
            if (process != null && process.isAlive()) {
                try {
                    stop();
                } catch (AssertionError stuck) {
                    // stop() already killed it; closing must not hide the test's own outcome.
                }
            }
        } finally {
            TempFiles.deleteRecursively(dataDir);
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(ServerUnderTest.executable().toString());
        command.add("--name=" + name);
        command.add("--data-dir=" + dataDir);
        command.add("--listen-client-urls=" + clientUrl());
        command.add("--advertise-client-urls=" + clientUrl());
        command.add("--listen-peer-urls=" + peerUrl());
        command.add("--initial-advertise-peer-urls=" + peerUrl());
        command.add("--initial-cluster=" + initialCluster);
        command.addAll(extraArgs);
        // Working directory = the log directory, so a JVM crash file (hs_err_pid*.log) lands beside the log.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(logFile.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            Files.writeString(logFile, "=== " + Instant.now() + " " + String.join(" ", command) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Polls {@code etcdctl endpoint health} until it succeeds; fails fast if the server died. */
    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Etcdctl probe = etcdctl();
        Etcdctl.Result last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                LIVE.remove(process);
                throw new AssertionError(name + " exited with status " + process.exitValue()
                        + " before it served clients\n" + logTail());
            }
            last = probe.run("--dial-timeout=1s", "--command-timeout=2s", "endpoint", "health");
            if (last.exitCode() == 0) {
                return;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new AssertionError(name + " did not serve clients within " + READY_TIMEOUT
                + "; last health check: " + last + "\n" + logTail());
    }

    private void requireRunning() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
    }

    /**
     * {@code count} distinct loopback ports free at the time of the call; all are held open together while
     * they are picked, so none is handed out twice.
     */
    static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // The port is free again either way once the socket is gone.
                }
            }
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
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

    /** Configures a server before its first start. */
    public static final class Builder {
        private final String name;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private int clientPort;
        private int peerPort;
        private String initialCluster;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds flags after the standard ones (name, data dir, URLs, initial cluster). */
        public Builder args(List<String> extra) {
            args.addAll(extra);
            return this;
        }

        /** Sets an environment variable of the server process (for example an {@code ETCD_*} setting). */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Uses these loopback ports, chosen up front (for example for an initial cluster), instead of free ones. */
        public Builder ports(int client, int peer) {
            this.clientPort = client;
            this.peerPort = peer;
            return this;
        }

        /**
         * Sets {@code --initial-cluster} (by default the server alone: {@code name=peerUrl}). Other cluster flags
         * such as {@code --initial-cluster-state} go through {@link #args}.
         */
        public Builder initialCluster(String members) {
            this.initialCluster = members;
            return this;
        }

        /**
         * Starts the server without waiting for it to serve clients, for a cluster member that cannot be healthy
         * before a quorum of its peers runs. The caller must {@link EtcdProcess#close()} it.
         */
        public EtcdProcess startNoWait() {
            EtcdProcess server = build();
            try {
                return server.startAgainNoWait();
            } catch (RuntimeException | AssertionError e) {
                server.close();
                throw e;
            }
        }

        /** Starts the server and waits until it serves clients; on failure nothing is left running. */
        public EtcdProcess start() {
            EtcdProcess server = build();
            try {
                return server.startAgain();
            } catch (RuntimeException | AssertionError e) {
                server.close();
                throw e;
            }
        }

        private EtcdProcess build() {
            return new EtcdProcess(name, args, env, clientPort, peerPort, initialCluster);
        }
    }
}
