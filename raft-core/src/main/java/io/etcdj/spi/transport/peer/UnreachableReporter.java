package io.etcdj.spi.transport.peer;

import io.etcdj.spi.transport.PeerTransportConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reports undeliverable messages to the handler at most once per {@link #MIN_INTERVAL_NANOS} per
 * member: Raft only needs to learn that a peer is unreachable, and a dead peer that the Raft loop
 * keeps sending heartbeats to must not flood it.
 */
public final class UnreachableReporter {
    public static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final System.Logger LOG = System.getLogger(UnreachableReporter.class.getName());

    private final PeerTransportConfig.Handler handler;
    private final ConcurrentHashMap<Long, Long> lastReportNanos = new ConcurrentHashMap<>();

    public UnreachableReporter(PeerTransportConfig.Handler handler) {
        this.handler = handler;
    }

    public void report(long memberId) {
        long now = System.nanoTime();
        boolean[] due = {false};
        lastReportNanos.compute(memberId, (id, last) -> {
            if (last == null || now - last >= MIN_INTERVAL_NANOS) {
                due[0] = true;
                return now;
            }
            return last;
        });
        if (due[0]) {
            try {
                handler.unreachable(memberId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "the handler failed on unreachable(" + Long.toHexString(memberId) + ")", e);
            }
        }
    }

    /** Forgets a removed member, so the map only holds members the transport knows or was asked about recently. */
    public void forget(long memberId) {
        lastReportNanos.remove(memberId);
    }
}
