package io.etcdj.server.concurrency;

import io.etcdj.api.etcdserverpb.LeaseGrantRequest;
import io.etcdj.api.etcdserverpb.LeaseGrantResponse;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.util.concurrent.CompletableFuture;

/**
 * The lease of the {@code concurrency.Session} etcd's services open per request: the request's
 * lease, or, when it names none (0), a new lease of the session's default TTL (60 s) that nothing
 * keeps alive — etcd orphans the session at once, so a lock or candidacy taken without a lease
 * lasts 60 seconds (checked against etcd 3.4.23).
 */
final class SessionLease {
    /** {@code concurrency.defaultSessionTTL}. */
    static final long DEFAULT_TTL_SECONDS = 60;

    private SessionLease() {
    }

    static CompletableFuture<Long> of(EtcdServerApi server, long requested, RequestContext context) {
        if (requested != 0) {
            return CompletableFuture.completedFuture(requested);
        }
        return server.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(DEFAULT_TTL_SECONDS).build(), context)
                .thenApply(LeaseGrantResponse::getID);
    }
}
