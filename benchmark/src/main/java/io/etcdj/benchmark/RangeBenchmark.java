package io.etcdj.benchmark;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.api.etcdserverpb.RangeResponse;
import java.io.PrintStream;
import java.util.List;

/** {@code range KEY [END]}: --total identical range requests, linearizable (l) or serializable (s). */
final class RangeBenchmark implements Benchmark {
    static final List<Flag> FLAGS = List.of(
            Flag.value("consistency", "l", "linearizable (l) or serializable (s)"),
            Flag.value("limit", "0", "maximum number of keys returned (0 = no limit)"),
            Flag.flagSwitch("count-only", "only get the count of keys"));

    private final GlobalOptions options;
    private final RangeRequest request;

    RangeBenchmark(CommandLine line, GlobalOptions options) throws UsageException {
        List<String> args = line.arguments();
        if (args.isEmpty() || args.size() > 2) {
            throw new UsageException("range needs KEY and optionally END, got " + args);
        }
        boolean serializable = switch (line.string("consistency")) {
            case "l" -> false;
            case "s" -> true;
            default -> throw new UsageException("--consistency must be l or s, got \"" + line.string("consistency") + "\"");
        };
        RangeRequest.Builder builder = RangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(args.get(0)))
                .setSerializable(serializable)
                .setLimit(line.longValue("limit", 0))
                .setCountOnly(line.bool("count-only"));
        if (args.size() == 2) {
            builder.setRangeEnd(ByteString.copyFromUtf8(args.get(1)));
        }
        this.options = options;
        this.request = builder.build();
    }

    @Override
    public ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException {
        List<KVGrpc.KVStub> stubs = endpoints.channels().stream().map(KVGrpc::newStub).toList();
        RequestDriver driver = new RequestDriver(options.clients(), options.rate(), deadlineNanos);
        Measurement m = driver.run(options.total(),
                (seq, tracker) -> stubs.get((int) (seq % stubs.size())).range(request, tracker.<RangeResponse>unary()));
        ReportPrinter.print(out, "Summary", m);
        return ResultLine.of("range", m);
    }
}
