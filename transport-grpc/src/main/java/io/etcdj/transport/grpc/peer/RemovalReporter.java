package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.PeerTransportConfig;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the handler, once, that a peer refused this member because it was removed from the
 * cluster: removal is permanent, and the server stops on the first notice.
 */
final class RemovalReporter {
    private static final System.Logger LOG = System.getLogger(RemovalReporter.class.getName());

    private final PeerTransportConfig.Handler handler;
    private final AtomicBoolean reported = new AtomicBoolean();

    RemovalReporter(PeerTransportConfig.Handler handler) {
        this.handler = handler;
    }

    void refusedBy(long memberId) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        LOG.log(System.Logger.Level.ERROR, "member {0} refused this member: {1}",
                Long.toHexString(memberId), PeerStreamProtocol.MEMBER_REMOVED);
        try {
            handler.removedFromCluster();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the handler failed on removedFromCluster()", e);
        }
    }
}
