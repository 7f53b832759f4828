package io.etcdj.spi.transport;

import io.etcdj.spi.NamedProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** A peer transport plugin: carries Raft messages between members on {@code --listen-peer-urls}. */
public interface PeerTransportProvider extends NamedProvider {
    PeerTransport create(PeerTransportConfig config);

    /**
     * One request to a member known only by a peer URL, before this member has a transport (a member
     * joining with {@code --initial-cluster-state=existing} asks for the cluster's members, as etcd's
     * {@code GET /members}). Answered by that member's {@link PeerTransportConfig.Handler#serve}.
     */
    default byte[] call(URI peerUrl, String method, byte[] request, Duration timeout) throws IOException {
        throw new IOException("etcdj: peer transport " + name() + " cannot send requests to " + peerUrl);
    }
}
