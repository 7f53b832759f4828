package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.PeerTransportConfig;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Decides whether an inbound peer call is taken, from its identity headers (etcd's rules): refused
 * without valid cluster and sender IDs, when the cluster IDs differ ("cluster ID mismatch"), and
 * when the handler says the sender was removed from the cluster.
 */
final class PeerAdmission {
    private static final System.Logger LOG = System.getLogger(PeerAdmission.class.getName());

    /** The outcome: {@code refusal} is null when the call from {@code sender} is accepted. */
    record Verdict(long sender, Status refusal) {
        boolean accepted() {
            return refusal == null;
        }
    }

    private final long localMemberId;
    private final long clusterId;
    private final PeerTransportConfig.Handler handler;

    PeerAdmission(long localMemberId, long clusterId, PeerTransportConfig.Handler handler) {
        this.localMemberId = localMemberId;
        this.clusterId = clusterId;
        this.handler = handler;
    }

    Verdict check(Metadata headers) {
        Long remoteCluster = PeerStreamProtocol.parseId(headers.get(PeerStreamProtocol.CLUSTER_ID));
        Long sender = PeerStreamProtocol.parseId(headers.get(PeerStreamProtocol.SENDER_ID));
        if (remoteCluster == null || sender == null) {
            return new Verdict(0, Status.FAILED_PRECONDITION.withDescription(
                    "peer call without valid " + PeerStreamProtocol.CLUSTER_ID.name() + " and "
                            + PeerStreamProtocol.SENDER_ID.name() + " headers"));
        }
        if (remoteCluster != clusterId) {
            LOG.log(System.Logger.Level.WARNING, "request cluster ID mismatch: member {0} sent cluster {1}, this member {2} is in cluster {3}",
                    Long.toHexString(sender), Long.toHexString(remoteCluster), Long.toHexString(localMemberId),
                    Long.toHexString(clusterId));
            return new Verdict(sender, Status.FAILED_PRECONDITION.withDescription(String.format(
                    "cluster ID mismatch: member %x is in cluster %x, the sender (member %x) in cluster %x",
                    localMemberId, clusterId, sender, remoteCluster)));
        }
        if (isRemoved(sender)) {
            return new Verdict(sender, PeerStreamProtocol.memberRemoved());
        }
        return new Verdict(sender, null);
    }

    /** Asked again for every message of a long-lived stream: a member may be removed while connected. */
    boolean isRemoved(long sender) {
        if (handler.isRemoved(sender)) {
            LOG.log(System.Logger.Level.WARNING, "refused peer traffic from member {0}: it was removed from the cluster",
                    Long.toHexString(sender));
            return true;
        }
        return false;
    }
}
