package io.etcdj.server.concurrency;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.WatchCreateRequest;
import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;
import io.etcdj.api.mvccpb.Event;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import io.etcdj.spi.server.WatchSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * etcd's {@code waitDelete}: waits, on a watch stream of its own, until a key is deleted at or
 * after a revision. The returned future completes with {@link Outcome#DELETED}, or with
 * {@link Outcome#COMPACTED} when the history from that revision is gone (the caller looks again
 * at the present), or fails when the watch ends otherwise. Completing or cancelling the future
 * closes the stream.
 */
final class DeletionWatch {
    enum Outcome { DELETED, COMPACTED }

    private final WatchSession session;
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();

    private DeletionWatch(WatchSession session) {
        this.session = session;
    }

    static CompletableFuture<Outcome> await(EtcdServerApi server, RequestContext context, Executor executor,
                                            ByteString key, long fromRevision) {
        WatchSession session;
        try {
            session = server.watch(context);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        DeletionWatch watch = new DeletionWatch(session);
        watch.done.whenComplete((outcome, failure) -> session.close());
        SerialDrain drain = new SerialDrain(executor, watch::drain);
        session.setListener(drain::signal);
        session.handle(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(key).setStartRevision(fromRevision)
                .addFilters(WatchCreateRequest.FilterType.NOPUT)).build());
        return watch.done;
    }

    private void drain() {
        WatchResponse response;
        while (!done.isDone() && (response = session.poll()) != null) {
            if (response.getCanceled()) {
                if (response.getCompactRevision() != 0) {
                    done.complete(Outcome.COMPACTED);
                } else {
                    String reason = response.getCancelReason();
                    done.completeExceptionally(Failures.unknown(reason.isEmpty() ? Failures.LOST_WATCHER : reason));
                }
                return;
            }
            for (Event event : response.getEventsList()) {
                if (event.getType() == Event.EventType.DELETE) {
                    done.complete(Outcome.DELETED);
                    return;
                }
            }
        }
    }
}
