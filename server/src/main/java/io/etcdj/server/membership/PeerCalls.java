package io.etcdj.server.membership;

import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The requests one etcdj server makes of another over the peer transport (etcd's peer HTTP
 * endpoints {@code /members}, {@code /members/promote/<id>}, {@code /leases},
 * {@code /leases/internal}), and how their answers are encoded: a status byte, then either the
 * answer's protobuf bytes or the {@link EtcdError} name.
 */
public final class PeerCalls {
    /** The cluster's members and ID, for a member joining with --initial-cluster-state=existing. */
    public static final String MEMBERS = "members";
    /** A learner promotion, which only the leader can judge. Request: the member ID, 8 bytes. */
    public static final String PROMOTE = "members/promote";
    /** A lease keep-alive for the leader's lessor. Request: LeaseKeepAliveRequest. */
    public static final String LEASE_KEEPALIVE = "leases";
    /** A lease time-to-live from the leader's lessor. Request: LeaseTimeToLiveRequest. */
    public static final String LEASE_TIMETOLIVE = "leases/internal";

    private static final byte OK = 0;
    private static final byte ERROR = 1;

    private PeerCalls() {
    }

    public static byte[] ok(byte[] answer) {
        byte[] out = new byte[answer.length + 1];
        out[0] = OK;
        System.arraycopy(answer, 0, out, 1, answer.length);
        return out;
    }

    public static byte[] error(EtcdError error) {
        byte[] name = error.name().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[name.length + 1];
        out[0] = ERROR;
        System.arraycopy(name, 0, out, 1, name.length);
        return out;
    }

    /** The answer's bytes, or throws the peer's error. */
    public static byte[] decode(byte[] answer) {
        if (answer.length == 0) {
            throw new IllegalArgumentException("empty peer answer");
        }
        if (answer[0] == OK) {
            return Arrays.copyOfRange(answer, 1, answer.length);
        }
        String name = new String(answer, 1, answer.length - 1, StandardCharsets.UTF_8);
        EtcdError error;
        try {
            error = EtcdError.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer answered an unknown error " + name);
        }
        throw error.exception();
    }

    /** Maps a failure to the answer sent back; errors other than EtcdExceptions become "unhealthy". */
    public static byte[] failure(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof EtcdException e && e.error() != null) {
            return error(e.error());
        }
        return error(EtcdError.UNHEALTHY);
    }
}
