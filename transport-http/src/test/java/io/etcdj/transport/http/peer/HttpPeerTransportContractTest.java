package io.etcdj.transport.http.peer;

import io.etcdj.spi.transport.PeerTransportProvider;
import io.etcdj.testkit.PeerTransportContractTest;

/** The shared peer transport contract, run against the HTTP transport. */
class HttpPeerTransportContractTest extends PeerTransportContractTest {
    @Override
    protected PeerTransportProvider provider() {
        return new HttpPeerTransportProvider();
    }
}
