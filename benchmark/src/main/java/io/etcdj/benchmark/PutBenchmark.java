package io.etcdj.benchmark;

import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.PutResponse;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;

/** {@code put}: --total puts of a --val-size value to keys drawn from --key-space-size keys (random or sequential). */
final class PutBenchmark implements Benchmark {
    static final List<Flag> FLAGS = List.of(
            Flag.value("key-size", "8", "key size of put request"),
            Flag.value("val-size", "8", "value size of put request"),
            Flag.value("key-space-size", "1", "maximum possible keys"),
            Flag.flagSwitch("sequential-keys", "use sequential keys instead of random ones"));

    private final GlobalOptions options;
    private final KeySpace keys;
    private final boolean sequential;

    PutBenchmark(CommandLine line, GlobalOptions options) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("put takes no arguments, got " + line.arguments());
        }
        this.options = options;
        SplittableRandom random = new SplittableRandom(1);
        this.keys = new KeySpace(line.intValue("key-size", 1), line.longValue("key-space-size", 1),
                KeySpace.randomBytes(line.intValue("val-size", 0), random));
        this.sequential = line.bool("sequential-keys");
    }

    @Override
    public ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException {
        List<KVGrpc.KVStub> stubs = endpoints.channels().stream().map(KVGrpc::newStub).toList();
        // Only the driver thread calls the issuer, so this unsynchronized random is safe.
        SplittableRandom random = new SplittableRandom(2);
        RequestDriver driver = new RequestDriver(options.clients(), options.rate(), deadlineNanos);
        Measurement m = driver.run(options.total(), (seq, tracker) -> {
            long keyNo = sequential ? seq : random.nextLong(keys.size());
            stubs.get((int) (seq % stubs.size())).put(keys.put(keyNo), tracker.<PutResponse>unary());
        });
        ReportPrinter.print(out, "Summary", m);
        return ResultLine.of("put", m);
    }
}
