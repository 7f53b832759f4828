package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdj.verify.HistoryRecorder;
import io.etcdj.verify.kv.KvOp;
import io.etcdj.verify.kv.KvResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client process of a recorded history: sends single-key {@link KvOp}s through a jetcd {@link KV} one at a
 * time and records each in a shared {@link HistoryRecorder} with what etcd answered, revisions included.
 *
 * <p>Every error and every timeout is recorded as INFO (outcome unknown), never as FAIL: a request that timed out,
 * met a leader change or lost its connection may still be applied, and filing an applied write as failed would make
 * the checker report violations that did not happen. A compare that does not hold is an answer, not an error:
 * OK with {@code succeeded = false}. jetcd does not retry puts, deletes or txns on its own (only requests that are
 * safe to redo), so one recorded invocation is at most one request applied.
 */
final class RecordedKvClient {

    private final int process;
    private final KV kv;
    private final HistoryRecorder<KvOp, KvResult> recorder;
    private final Duration timeout;

    RecordedKvClient(int process, KV kv, HistoryRecorder<KvOp, KvResult> recorder, Duration timeout) {
        this.process = process;
        this.kv = kv;
        this.recorder = recorder;
        this.timeout = timeout;
    }

    int process() {
        return process;
    }

    /** Runs {@code op} and records it; returns etcd's answer, or {@code null} when the outcome is unknown. */
    KvResult run(KvOp op) throws InterruptedException {
        HistoryRecorder<KvOp, KvResult>.Invocation call = recorder.invoke(process, op);
        try {
            KvResult result = send(op).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            call.ok(result);
            return result;
        } catch (ExecutionException | TimeoutException unknownOutcome) {
            call.info();
            return null;
        } catch (InterruptedException e) {
            call.info();
            throw e;
        }
    }

    private CompletableFuture<KvResult> send(KvOp op) {
        return switch (op) {
            case KvOp.Put put -> kv.put(bytes(put.key()), bytes(put.value()), PutOption.DEFAULT)
                    .thenApply(r -> new KvResult.PutResult(r.getHeader().getRevision()));
            case KvOp.Get get -> kv.get(bytes(get.key())).thenApply(RecordedKvClient::getResult);
            case KvOp.Delete delete -> kv.delete(bytes(delete.key()))
                    .thenApply(r -> new KvResult.DeleteResult(r.getDeleted(), r.getHeader().getRevision()));
            case KvOp.CompareAndSet cas -> {
                // etcd's compare of a value on an absent key is false, so "absent" is create_revision == 0.
                Cmp compare = cas.expected() == null
                        ? new Cmp(bytes(cas.key()), Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                        : new Cmp(bytes(cas.key()), Cmp.Op.EQUAL, CmpTarget.value(bytes(cas.expected())));
                yield kv.txn().If(compare)
                        .Then(Op.put(bytes(cas.key()), bytes(cas.value()), PutOption.DEFAULT))
                        .commit()
                        .thenApply(r -> new KvResult.CasResult(r.isSucceeded(), r.getHeader().getRevision()));
            }
        };
    }

    private static KvResult getResult(GetResponse response) {
        long revision = response.getHeader().getRevision();
        if (response.getKvs().isEmpty()) {
            return KvResult.GetResult.absent(revision);
        }
        io.etcd.jetcd.KeyValue kv = response.getKvs().getFirst();
        return new KvResult.GetResult(text(kv.getValue()), kv.getCreateRevision(), kv.getModRevision(),
                kv.getVersion(), revision);
    }
}
