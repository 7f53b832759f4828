package io.etcdj.benchmark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code benchmark} command line: parses flags, runs one command, prints its report, the client's
 * own CPU use and a final {@code RESULT {...}} line. Exit status: 0 after a run (even with failed
 * requests, which the report counts), 1 if the run itself could not proceed, 2 for a bad command line.
 */
public final class Main {
    /** A command's own flags and how to build it from a parsed line. */
    private record Command(String summary, List<Flag> flags, Factory factory) {
    }

    private interface Factory {
        Benchmark create(CommandLine line, GlobalOptions options) throws UsageException;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("put", new Command("benchmark put", PutBenchmark.FLAGS, PutBenchmark::new));
        COMMANDS.put("range", new Command("benchmark range KEY [END]", RangeBenchmark.FLAGS, RangeBenchmark::new));
        COMMANDS.put("txn-put", new Command("benchmark txn-put", TxnPutBenchmark.FLAGS, TxnPutBenchmark::new));
        COMMANDS.put("watch", new Command("benchmark watch: events delivered to many watchers",
                WatchBenchmark.FLAGS, WatchBenchmark::new));
        COMMANDS.put("watch-latency", new Command("benchmark watch-latency: put response to event at each watcher",
                WatchLatencyBenchmark.FLAGS, WatchLatencyBenchmark::new));
        COMMANDS.put("lease-keepalive", new Command("benchmark lease-keepalive: keep-alive requests over leases",
                LeaseKeepaliveBenchmark.FLAGS, LeaseKeepaliveBenchmark::new));
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit status instead of exiting (for tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine line;
        GlobalOptions options;
        Benchmark benchmark;
        try {
            Map<String, List<Flag>> commandFlags = new LinkedHashMap<>();
            COMMANDS.forEach((name, c) -> commandFlags.put(name, c.flags()));
            line = CommandLine.parse(args, GlobalOptions.FLAGS, commandFlags);
            if (line.bool("help") || line.command() == null) {
                usage(line.bool("help") ? out : err, line.command());
                return line.bool("help") ? 0 : 2;
            }
            options = GlobalOptions.from(line);
            benchmark = COMMANDS.get(line.command()).factory().create(line, options);
        } catch (UsageException e) {
            err.println("Error: " + e.getMessage());
            err.println("Run 'benchmark --help' for usage.");
            return 2;
        }
        if (options.targetLeader()) {
            err.println("note: --target-leader is accepted but not acted on; requests go to the endpoints as given");
        }
        return execute(line.command(), options, benchmark, out, err);
    }

    private static int execute(String command, GlobalOptions options, Benchmark benchmark, PrintStream out, PrintStream err) {
        long start = System.nanoTime();
        long deadline = start + options.maxDuration().toNanos();
        double cpuBefore = CpuClock.processCpuSeconds();
        ThreadCpu threadsBefore = ThreadCpu.sample();
        ResultLine result;
        try (Endpoints endpoints = new Endpoints(options)) {
            result = benchmark.run(endpoints, out, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Error: interrupted");
            return 1;
        } catch (RuntimeException e) {
            err.println("Error: " + command + " failed: " + e);
            return 1;
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        double cpu = CpuClock.processCpuSeconds() - cpuBefore;
        ThreadCpu.Busiest busiest = ThreadCpu.sample().busiestSince(threadsBefore);
        out.println();
        out.println(CpuClock.describe(cpu, wall));
        if (busiest != null) {
            out.printf(Locale.ROOT, "Busiest client thread: %s, %.3f s CPU (%.0f%% of wall)%n", busiest.name(),
                    busiest.cpuSeconds(), 100 * busiest.cpuSeconds() / (wall.toNanos() / 1e9));
        }
        result.put("client_cpu_s", cpu);
        result.put("client_wall_s", wall.toNanos() / 1e9);
        if (busiest != null) {
            result.put("client_busiest_thread_cpu_s", busiest.cpuSeconds());
        }
        out.println(result);
        return 0;
    }

    private static void usage(PrintStream out, String command) {
        out.println("benchmark: a load generator for the etcd v3 gRPC API (after etcd's tools/benchmark)");
        out.println();
        out.println("Usage: benchmark [global flags] COMMAND [flags] [args]");
        out.println();
        out.println("Commands:");
        COMMANDS.forEach((name, c) -> out.printf("  %-16s %s%n", name, c.summary()));
        if (command != null) {
            out.println();
            out.println(command + " flags:");
            printFlags(out, COMMANDS.get(command).flags());
        }
        out.println();
        out.println("Global flags:");
        printFlags(out, GlobalOptions.FLAGS);
    }

    private static void printFlags(PrintStream out, List<Flag> flags) {
        for (Flag f : flags) {
            out.printf("  --%-26s %s%s%n", f.name() + (f.isSwitch() ? "" : " value"), f.help(),
                    f.isSwitch() || f.defaultValue().isEmpty() ? "" : " (default " + f.defaultValue() + ")");
        }
    }
}
