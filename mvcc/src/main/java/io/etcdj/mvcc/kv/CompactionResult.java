package io.etcdj.mvcc.kv;

import io.etcdj.api.etcdserverpb.CompactionResponse;
import java.util.concurrent.CompletableFuture;

/**
 * An accepted compaction.
 *
 * @param response          with {@code header.revision} = the current revision
 * @param physicallyDone    completes when the compacted revisions are deleted from the backend,
 *                          which starts only after the store's next commit; a request with
 *                          {@code physical = true} is answered after it
 */
public record CompactionResult(CompactionResponse response, CompletableFuture<Void> physicallyDone) {
}
