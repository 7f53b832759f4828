package io.etcdj.v2store;

import io.etcdj.api.serverpb.V2Request;
import java.time.Duration;
import java.time.Instant;

/**
 * How etcd 3.4's server dispatches and builds v2 requests (etcdserver/v2_server.go
 * {@code RequestV2.Handle}, server.go {@code sync}, v2http {@code parseKeyRequest}), as pure
 * functions so the server only schedules and proposes.
 */
public final class V2Requests {
    /** etcd's sync ticker (server.go {@code getSyncC}, 500 ms): the leader proposes a SYNC this often while {@link V2Service#hasTtlKeys()}. */
    public static final Duration SYNC_INTERVAL = Duration.ofMillis(500);

    /** Where a request is served. */
    public enum Route {
        /** Through Raft, then {@link V2Service#apply}: POST, PUT, DELETE, QGET (a quorum GET), SYNC. */
        PROPOSE,
        /** Locally by {@link V2Service#read}: GET and HEAD without quorum or wait, and unknown methods (answered as errors). */
        READ,
        /** Locally by {@link V2Service#watch}: GET with wait and without quorum. */
        WATCH
    }

    private V2Requests() {
    }

    /** etcd's {@code Handle}: quorum wins over wait (a quorum GET with wait is a plain quorum read). */
    public static Route route(V2Request r) {
        return switch (r.getMethod()) {
            case "POST", "PUT", "DELETE", "QGET", "SYNC" -> Route.PROPOSE;
            case "GET" -> r.getQuorum() ? Route.PROPOSE : r.getWait() ? Route.WATCH : Route.READ;
            default -> Route.READ;
        };
    }

    /**
     * The request to propose: a quorum GET becomes method "QGET", as etcd rewrites it before
     * marshalling; others are returned unchanged. The caller sets a fresh {@code ID}.
     */
    public static V2Request forProposal(V2Request r) {
        return "GET".equals(r.getMethod()) && r.getQuorum() ? r.toBuilder().setMethod("QGET").build() : r;
    }

    /**
     * The store path of a {@code /v2/keys} URL path (what follows {@code /v2/keys}): Go's
     * {@code path.Join("/1", p)}, so {@code ""} and {@code "/"} both name {@code "/1"}.
     */
    public static String keysPath(String urlKeyPath) {
        return GoPath.join(V2Service.KEYS_PREFIX, urlKeyPath);
    }

    /**
     * The request etcd's leader proposes every {@link #SYNC_INTERVAL} while the store has TTL keys:
     * method SYNC, time = {@code now} in Unix nanoseconds. Applying it expires every key whose
     * expiry is not after {@code now}.
     *
     * @throws ArithmeticException if {@code now} is outside Unix nanoseconds' int64 range
     */
    public static V2Request sync(long requestId, Instant now) {
        long nanos = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
        return V2Request.newBuilder().setID(requestId).setMethod("SYNC").setTime(nanos).build();
    }

    /** A Unix-nanosecond time of a request as an instant (Go's {@code time.Unix(0, n)}). */
    static Instant fromUnixNanos(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }
}
