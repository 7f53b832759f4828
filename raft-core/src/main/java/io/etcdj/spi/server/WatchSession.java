package io.etcdj.spi.server;

import io.etcdj.api.etcdserverpb.WatchRequest;
import io.etcdj.api.etcdserverpb.WatchResponse;

/**
 * One client watch stream, as the server sees it. The transport feeds it the client's requests
 * and pulls responses when its own send window allows ({@link #poll()}); the server buffers a
 * bounded amount per stream and never blocks a write on a slow reader (a watcher that falls behind
 * catches up from the store's history later).
 *
 * <p>Threads: {@link #handle} from the transport's receive side, {@link #poll} from its send side;
 * the listener set by {@link #setListener} is called from server threads and must not block.
 */
public interface WatchSession extends AutoCloseable {
    /** A request from the client: create, cancel or progress. Never blocks. */
    void handle(WatchRequest request);

    /** The next response ready to send, or null when none is waiting. */
    WatchResponse poll();

    /** Called (at least once) whenever responses become available after {@link #poll} returned null. */
    void setListener(Runnable responsesWaiting);

    /** The client went away or the stream ended: cancels every watcher of this session. */
    @Override
    void close();
}
