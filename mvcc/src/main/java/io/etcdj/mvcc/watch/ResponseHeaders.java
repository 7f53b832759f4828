package io.etcdj.mvcc.watch;

import io.etcdj.api.etcdserverpb.ResponseHeader;

/**
 * Makes the header of every watch response from the revision it reports. The server supplies one
 * that also fills the cluster ID, member ID and Raft term (etcd's {@code newResponseHeader}).
 *
 * <p>Called on the thread that polls a {@link WatchStream}, when a response is handed out (so the
 * term is the one current at sending, as in etcd). Must be cheap and must not block.
 */
@FunctionalInterface
public interface ResponseHeaders {
    ResponseHeader header(long revision);

    /** Headers holding the revision only. */
    static ResponseHeaders revisionOnly() {
        return revision -> ResponseHeader.newBuilder().setRevision(revision).build();
    }
}
