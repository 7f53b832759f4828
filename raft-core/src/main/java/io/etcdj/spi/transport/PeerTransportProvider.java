package io.etcdj.spi.transport;

import io.etcdj.spi.NamedProvider;

/** A peer transport plugin: carries Raft messages between members on {@code --listen-peer-urls}. */
public interface PeerTransportProvider extends NamedProvider {
    PeerTransport create(PeerTransportConfig config);
}
