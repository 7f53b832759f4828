package io.etcdj.server.concurrency;

import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The waits and observations a service has running, so that closing the service ends them: their
 * watch streams fall silent when the server stops and would otherwise never end.
 */
final class Inflight {
    /** Something that runs until it ends by itself or is stopped. */
    interface Stoppable {
        /** Ends it now, telling its caller {@code reason}. Idempotent. */
        void stop(EtcdException reason);
    }

    private final Set<Stoppable> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Registers {@code s}; false when the service is closed (the caller then fails it with ErrStopped). */
    boolean add(Stoppable s) {
        running.add(s);
        if (closed) {
            running.remove(s);  // close() may or may not have seen it; stopping twice is harmless
            return false;
        }
        return true;
    }

    void remove(Stoppable s) {
        running.remove(s);
    }

    /** Stops everything running and refuses anything new, with etcd's ErrStopped. */
    void close() {
        closed = true;
        for (Stoppable s : running) {
            s.stop(EtcdError.STOPPED.exception());
        }
        running.clear();
    }

    boolean isClosed() {
        return closed;
    }
}
