package io.etcdj.benchmark;

import io.etcdj.api.etcdserverpb.KVGrpc;
import io.etcdj.api.etcdserverpb.RequestOp;
import io.etcdj.api.etcdserverpb.TxnRequest;
import io.etcdj.api.etcdserverpb.TxnResponse;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code txn-put}: --total transactions of --txn-ops puts each (no compares). Transaction i puts keys
 * (i*ops + j) mod --key-space-size, which are distinct within a transaction because etcd rejects a
 * transaction that puts one key twice.
 */
final class TxnPutBenchmark implements Benchmark {
    static final List<Flag> FLAGS = List.of(
            Flag.value("txn-ops", "1", "number of puts per transaction"),
            Flag.value("key-size", "8", "key size of put request"),
            Flag.value("val-size", "8", "value size of put request"),
            Flag.value("key-space-size", "1", "maximum possible keys"));

    private final GlobalOptions options;
    private final KeySpace keys;
    private final int ops;

    TxnPutBenchmark(CommandLine line, GlobalOptions options) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("txn-put takes no arguments, got " + line.arguments());
        }
        this.options = options;
        this.keys = new KeySpace(line.intValue("key-size", 1), line.longValue("key-space-size", 1),
                KeySpace.randomBytes(line.intValue("val-size", 0), new SplittableRandom(1)));
        this.ops = line.intValue("txn-ops", 1);
        if (ops > keys.size()) {
            throw new UsageException("--txn-ops " + ops + " exceeds --key-space-size " + keys.size()
                    + " (a transaction may not put one key twice)");
        }
    }

    @Override
    public ResultLine run(Endpoints endpoints, PrintStream out, long deadlineNanos) throws InterruptedException {
        List<KVGrpc.KVStub> stubs = endpoints.channels().stream().map(KVGrpc::newStub).toList();
        RequestDriver driver = new RequestDriver(options.clients(), options.rate(), deadlineNanos);
        Measurement m = driver.run(options.total(), (seq, tracker) -> {
            TxnRequest.Builder txn = TxnRequest.newBuilder();
            for (int j = 0; j < ops; j++) {
                txn.addSuccess(RequestOp.newBuilder().setRequestPut(keys.put(seq * ops + j)));
            }
            stubs.get((int) (seq % stubs.size())).txn(txn.build(), tracker.<TxnResponse>unary());
        });
        ReportPrinter.print(out, "Summary", m);
        return ResultLine.of("txn-put", m);
    }
}
