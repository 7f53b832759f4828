package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcdj.verify.watch.Change;
import io.etcdj.verify.watch.EventType;
import io.etcdj.verify.watch.WriteLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes through jetcd and keeps what the watch checker's {@link WriteLog} needs: every acknowledged write with the
 * revision etcd gave it, and every write whose outcome is unknown (an error or a timeout) as uncertain. A delete
 * acknowledged with {@code deleted = 0} changed nothing and took no revision, so it is not logged. Put values must be
 * unique: the checker tells uncertain writes apart by their values.
 *
 * <p>Not thread-safe: one writer thread, and the log is read after it stopped.
 */
final class RecordedWriter {

    private final KV kv;
    private final Duration timeout;
    private final TreeMap<Long, List<Change>> committed = new TreeMap<>();
    private final List<List<Change>> uncertain = new ArrayList<>();

    RecordedWriter(KV kv, Duration timeout) {
        this.kv = kv;
        this.timeout = timeout;
    }

    /** Puts {@code key = value}; true if acknowledged. */
    boolean put(String key, String value) throws InterruptedException {
        Change put = Change.put(key, value);
        return write(kv.put(bytes(key), bytes(value), PutOption.DEFAULT)
                .thenApply(r -> new Applied(r.getHeader().getRevision(), List.of(put))), List.of(put));
    }

    /** Deletes {@code key}; true if acknowledged (whether or not it was present). */
    boolean delete(String key) throws InterruptedException {
        Change delete = Change.delete(key);
        return write(kv.delete(bytes(key), DeleteOption.DEFAULT)
                .thenApply(r -> new Applied(r.getHeader().getRevision(),
                        r.getDeleted() == 0 ? List.of() : List.of(delete))), List.of(delete));
    }

    /** Puts several keys in one txn, hence at one revision; true if acknowledged. */
    boolean putAll(Map<String, String> values) throws InterruptedException {
        Op[] puts = values.entrySet().stream()
                .map(e -> Op.put(bytes(e.getKey()), bytes(e.getValue()), PutOption.DEFAULT)).toArray(Op[]::new);
        List<Change> changes = values.entrySet().stream().map(e -> Change.put(e.getKey(), e.getValue())).toList();
        return write(kv.txn().Then(puts).commit()
                .thenApply(r -> new Applied(r.getHeader().getRevision(), changes)), changes);
    }

    /** Deletes several keys in one txn, hence at one revision; true if acknowledged. */
    boolean deleteAll(List<String> keys) throws InterruptedException {
        Op[] deletes = keys.stream().map(k -> Op.delete(bytes(k), DeleteOption.DEFAULT)).toArray(Op[]::new);
        List<Change> changes = keys.stream().map(Change::delete).toList();
        return write(kv.txn().Then(deletes).commit().thenApply(r -> {
            // Only the keys that were present changed.
            List<Change> made = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (r.getDeleteResponses().get(i).getDeleted() > 0) {
                    made.add(changes.get(i));
                }
            }
            return new Applied(r.getHeader().getRevision(), made);
        }), changes);
    }

    /** The revision of the last acknowledged write that changed something. */
    long lastCommittedRevision() {
        return committed.isEmpty() ? 0 : committed.lastKey();
    }

    /** What an acknowledged write changed (nothing, for deletes of absent keys) and its header revision. */
    private record Applied(long revision, List<Change> changes) {
    }

    private boolean write(CompletableFuture<Applied> request, List<Change> intended) throws InterruptedException {
        try {
            Applied applied = request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!applied.changes().isEmpty()) {
                List<Change> previous = committed.put(applied.revision(), applied.changes());
                if (previous != null) {
                    throw new AssertionError("two acknowledged writes at revision " + applied.revision() + ": "
                            + previous + " and " + applied.changes());
                }
            }
            return true;
        } catch (ExecutionException | TimeoutException unknownOutcome) {
            uncertain.add(intended);
            return false;
        } catch (InterruptedException e) {
            uncertain.add(intended);
            throw e;
        }
    }

    /**
     * Turns uncertain writes into committed ones where a linearizable read made after the writer stopped shows their
     * value, at the mod revision the read reports. The whole write is placed there: a txn's other keys changed at the
     * same revision even if they were overwritten since.
     *
     * @param finalRead key-values as the read returned them
     */
    void settle(List<io.etcd.jetcd.KeyValue> finalRead) {
        for (io.etcd.jetcd.KeyValue kv : finalRead) {
            String key = text(kv.getKey());
            String value = text(kv.getValue());
            for (Iterator<List<Change>> it = uncertain.iterator(); it.hasNext(); ) {
                List<Change> write = it.next();
                if (write.contains(Change.put(key, value))) {
                    it.remove();
                    List<Change> previous = committed.put(kv.getModRevision(), write);
                    if (previous != null) {
                        throw new AssertionError("revision " + kv.getModRevision() + " holds both the acknowledged "
                                + previous + " and, by a final read, " + write);
                    }
                    break;
                }
            }
        }
    }

    /** The log of everything written so far, over a store whose keys were all absent at {@code baseRevision}. */
    WriteLog log(long baseRevision) {
        WriteLog.Builder log = WriteLog.builder(baseRevision);
        committed.forEach((revision, changes) -> log.committed(revision, changes.toArray(Change[]::new)));
        uncertain.forEach(changes -> log.uncertain(changes.toArray(Change[]::new)));
        return log.build();
    }

    int committedCount() {
        return committed.size();
    }

    int uncertainCount() {
        return uncertain.size();
    }

    long deletesCommitted() {
        return committed.values().stream().flatMap(List::stream).filter(c -> c.type() == EventType.DELETE).count();
    }
}
