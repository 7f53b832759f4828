package io.etcdj.transport.grpc.peer;

import io.etcdj.spi.transport.PeerTransportProvider;
import io.etcdj.testkit.PeerTransportContractTest;

/** The shared peer transport contract, run against the gRPC transport. */
class GrpcPeerTransportContractTest extends PeerTransportContractTest {
    @Override
    protected PeerTransportProvider provider() {
        return new GrpcPeerTransportProvider();
    }

    /**
     * grpc-netty's event loops are shared by every channel and server in the JVM and released a
     * second after the last one closes (its reaper thread lives on); Netty's global executor and
     * object cleaner are JVM-wide too. The transport's own threads are all named etcdj-peer-*.
     */
    @Override
    protected boolean isSharedThread(Thread thread) {
        String name = thread.getName();
        return super.isSharedThread(thread) || name.startsWith("grpc-") || name.startsWith("globalEventExecutor")
                || name.equals("ObjectCleanerThread");
    }
}
