package io.etcdj.transport.http.client;

import io.etcdj.api.etcdserverpb.StatusRequest;
import io.etcdj.spi.server.EtcdServerApi;
import io.etcdj.spi.server.RequestContext;
import java.util.concurrent.TimeUnit;

/**
 * The value of etcd's {@code X-Etcd-Cluster-ID} header (hexadecimal, as etcd's {@code types.ID}
 * prints it), learned from the server's local status once and then kept: a cluster's ID never
 * changes after the member joined it.
 */
final class ClusterIdentity {
    private final EtcdServerApi server;
    private volatile long clusterId;

    ClusterIdentity(EtcdServerApi server) {
        this.server = server;
    }

    /** The cluster ID in hexadecimal; "0" while the server cannot tell it. */
    String hex() {
        long id = clusterId;
        if (id == 0) {
            try {
                id = server.status(StatusRequest.getDefaultInstance(), RequestContext.NONE)
                        .get(1, TimeUnit.SECONDS).getHeader().getClusterId();
                clusterId = id;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // Unknown for now; asked again on the next request.
            }
        }
        return Long.toHexString(id);
    }
}
