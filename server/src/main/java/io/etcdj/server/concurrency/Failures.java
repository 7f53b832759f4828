package io.etcdj.server.concurrency;

import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.StatusCode;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The errors of etcd's lock and election services, as a client receives them. */
final class Failures {
    /** {@code concurrency.ErrElectionNotLeader}. */
    static final String ELECTION_NOT_LEADER = "election: not leader";
    /** {@code concurrency.ErrElectionNoLeader}. */
    static final String ELECTION_NO_LEADER = "election: no leader";
    /** {@code v3election.ErrMissingLeaderKey}. */
    static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";
    /** {@code concurrency.ErrSessionExpired} (etcd 3.5): the lock key vanished while its owner waited. */
    static final String SESSION_EXPIRED = "mutex: session is expired";
    /** {@code concurrency.waitDelete}'s text when its watch ended without the deletion. */
    static final String LOST_WATCHER = "lost watcher waiting for delete";

    private Failures() {
    }

    /** A failure with etcd's text that gRPC reports as {@code Unknown}: how etcd's Go errors reach clients. */
    static EtcdException unknown(String message) {
        return new EtcdException(StatusCode.UNKNOWN, message);
    }

    /**
     * What the service answers for a failure of one of its own server calls. etcd's services pass
     * their in-process client's error through, and that error carries no gRPC status, so the client
     * sees code {@code Unknown} with the original text. Exceptions: our own "not implemented" keeps
     * its code (it says plainly what is missing), and a cancellation stays one.
     */
    static Throwable asServiceFailure(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof CancellationException) {
            return cause;
        }
        if (cause instanceof EtcdException e) {
            return e.code() == StatusCode.UNKNOWN || e.error() == EtcdError.NOT_IMPLEMENTED ? e : unknown(e.getMessage());
        }
        return unknown(String.valueOf(cause.getMessage()));
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
