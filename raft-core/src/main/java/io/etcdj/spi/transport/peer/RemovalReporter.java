package io.etcdj.spi.transport.peer;

import io.etcdj.spi.transport.PeerTransportConfig;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the handler, once, that a peer refused this member because it was removed from the
 * cluster: removal is permanent, and the server stops on the first notice.
 */
public final class RemovalReporter {
    /** etcd's words for a member that was removed, as peers answer it (HTTP 410 in etcd's protocol). */
    public static final String MEMBER_REMOVED = "the member has been permanently removed from the cluster";

    private static final System.Logger LOG = System.getLogger(RemovalReporter.class.getName());

    private final PeerTransportConfig.Handler handler;
    private final AtomicBoolean reported = new AtomicBoolean();

    public RemovalReporter(PeerTransportConfig.Handler handler) {
        this.handler = handler;
    }

    public void refusedBy(long memberId) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        LOG.log(System.Logger.Level.ERROR, "member {0} refused this member: {1}",
                Long.toHexString(memberId), MEMBER_REMOVED);
        try {
            handler.removedFromCluster();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the handler failed on removedFromCluster()", e);
        }
    }
}
