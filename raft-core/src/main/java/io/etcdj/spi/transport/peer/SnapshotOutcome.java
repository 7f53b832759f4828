package io.etcdj.spi.transport.peer;

import io.etcdj.spi.transport.PeerTransportConfig;
import io.etcdj.spi.transport.SnapshotPayload;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The single outcome of one {@code sendSnapshot}: the first {@link #report} tells the handler and
 * releases the payload; later ones do nothing, whichever path (success, failure, cancellation on
 * close) gets there first.
 */
public final class SnapshotOutcome {
    private static final System.Logger LOG = System.getLogger(SnapshotOutcome.class.getName());

    private final long memberId;
    private final SnapshotPayload payload;
    private final PeerTransportConfig.Handler handler;
    private final AtomicBoolean reported = new AtomicBoolean();

    public SnapshotOutcome(long memberId, SnapshotPayload payload, PeerTransportConfig.Handler handler) {
        this.memberId = memberId;
        this.payload = payload;
        this.handler = handler;
    }

    public long memberId() {
        return memberId;
    }

    public SnapshotPayload payload() {
        return payload;
    }

    public void report(boolean delivered) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        try {
            payload.release();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "releasing the snapshot payload for member " + Long.toHexString(memberId) + " failed", e);
        }
        try {
            handler.snapshotStatus(memberId, delivered);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the handler failed on snapshotStatus(" + Long.toHexString(memberId) + ")", e);
        }
    }
}
