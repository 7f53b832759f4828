package io.etcdj.spi.server;

import io.etcdj.api.v3electionpb.LeaderResponse;

/**
 * An {@code Election.Observe} stream: leaders in turn, pulled by the transport like a
 * {@link WatchSession}. It ends (poll returns null and {@link #isFinished()} is true) when the
 * election's key space is compacted past it or the server stops; {@link #failure()} says why.
 */
public interface ObserveSession extends AutoCloseable {
    LeaderResponse poll();

    void setListener(Runnable responsesWaiting);

    boolean isFinished();

    /** Why the stream ended, or null while it runs or when it ended normally. */
    Throwable failure();

    @Override
    void close();
}
