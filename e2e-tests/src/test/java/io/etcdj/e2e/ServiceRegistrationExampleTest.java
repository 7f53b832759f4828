package io.etcdj.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Service registration and discovery, the way etcd's users do it (and the example in the README):
 * <ul>
 *   <li>each <b>service instance</b> puts {@code /services/<service>/<id>} under a lease with a short TTL
 *       and keeps the lease alive for as long as it runs;</li>
 *   <li>a <b>client</b> reads the directory with one prefix get, then watches the prefix from the get's
 *       revision + 1, so that it misses no change and sees none twice.</li>
 * </ul>
 * An instance that dies stops renewing its lease; within the TTL the server deletes its key and every
 * client sees the DELETE. No heartbeat protocol of one's own is needed.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServiceRegistrationExampleTest {

    private static final long TTL_SECONDS = 5;
    /** The expiry is detected within the TTL; the rest is slack for a loaded machine. */
    private static final long DELETE_WITHIN_SECONDS = TTL_SECONDS + 10;

    @Parameter
    ServerVariant variant;

    private EtcdProcess server;

    @BeforeEach
    void startServer() {
        server = EtcdProcess.start("services", variant);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void clientsSeeInstancesComeAndGo() throws InterruptedException {
        try (Client serviceSide = Client.builder().endpoints(server.clientUrl()).build();
             Client clientSide = Client.builder().endpoints(server.clientUrl()).build()) {

            ServiceInstance first = ServiceInstance.register(serviceSide, "web", "1", "10.0.0.1:8080", TTL_SECONDS);
            try (ServiceDirectory directory = ServiceDirectory.follow(clientSide, "web")) {
                assertEquals(Map.of("/services/web/1", "10.0.0.1:8080"), directory.instances());

                try (ServiceInstance second = ServiceInstance.register(serviceSide, "web", "2", "10.0.0.2:8080",
                        TTL_SECONDS)) {
                    assertEquals("PUT /services/web/2", directory.nextChange(DELETE_WITHIN_SECONDS));
                    assertEquals(Map.of("/services/web/1", "10.0.0.1:8080", "/services/web/2", "10.0.0.2:8080"),
                            directory.instances());

                    first.crash(); // stops renewing its lease, like a process that died
                    assertEquals("DELETE /services/web/1", directory.nextChange(DELETE_WITHIN_SECONDS));
                    assertEquals(Map.of("/services/web/2", "10.0.0.2:8080"), directory.instances(),
                            "the instance that keeps its lease alive outlives the TTL");
                }
                // Closing an instance deregisters it at once by revoking its lease.
                assertEquals("DELETE /services/web/2", directory.nextChange(DELETE_WITHIN_SECONDS));
                assertEquals(Map.of(), directory.instances());
            }
        }
    }

    /** One running instance of a service, registered under a lease that it keeps alive. */
    static final class ServiceInstance implements AutoCloseable {
        private final Client client;
        private final long leaseId;
        private final CloseableClient keepAlive;

        private ServiceInstance(Client client, long leaseId, CloseableClient keepAlive) {
            this.client = client;
            this.leaseId = leaseId;
            this.keepAlive = keepAlive;
        }

        /** Registers {@code /services/<service>/<id> = address} under a new lease of {@code ttlSeconds}. */
        static ServiceInstance register(Client client, String service, String id, String address, long ttlSeconds) {
            long leaseId = client.getLeaseClient().grant(ttlSeconds).join().getID();
            client.getKVClient().put(bytes("/services/" + service + "/" + id), bytes(address),
                    PutOption.builder().withLeaseId(leaseId).build()).join();
            // jetcd renews the lease every TTL/3 until the keep-alive is closed.
            CloseableClient keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse response) {
                }

                @Override
                public void onError(Throwable error) {
                }

                @Override
                public void onCompleted() {
                }
            });
            return new ServiceInstance(client, leaseId, keepAlive);
        }

        /** Stops renewing the lease without deregistering: the key goes when the lease expires. */
        void crash() {
            keepAlive.close();
        }

        /** Deregisters at once: revoking the lease deletes the key. */
        @Override
        public void close() {
            keepAlive.close();
            client.getLeaseClient().revoke(leaseId).join();
        }
    }

    /** A client's live view of the instances of one service. */
    static final class ServiceDirectory implements AutoCloseable {
        private final Map<String, String> instances = new ConcurrentHashMap<>();
        private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        private Watch.Watcher watcher;

        /** Reads the current instances, then follows every change from the next revision on. */
        static ServiceDirectory follow(Client client, String service) {
            ByteSequence prefix = bytes("/services/" + service + "/");
            ServiceDirectory directory = new ServiceDirectory();
            GetResponse current = client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()).join();
            for (KeyValue kv : current.getKvs()) {
                directory.instances.put(text(kv.getKey()), text(kv.getValue()));
            }
            WatchOption fromNextRevision = WatchOption.builder()
                    .isPrefix(true)
                    .withRevision(current.getHeader().getRevision() + 1)
                    .build();
            directory.watcher = client.getWatchClient().watch(prefix, fromNextRevision,
                    response -> response.getEvents().forEach(directory::apply));
            return directory;
        }

        private void apply(WatchEvent event) {
            String key = text(event.getKeyValue().getKey());
            switch (event.getEventType()) {
                case PUT -> instances.put(key, text(event.getKeyValue().getValue()));
                case DELETE -> instances.remove(key);
                default -> {
                    return;
                }
            }
            changes.add(event.getEventType() + " " + key);
        }

        /** The instances known now. */
        Map<String, String> instances() {
            return Map.copyOf(instances);
        }

        /** The next change, as "PUT key" or "DELETE key"; fails if none comes in time. */
        String nextChange(long timeoutSeconds) throws InterruptedException {
            String change = changes.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (change == null) {
                throw new AssertionError("no change within " + timeoutSeconds + " s; instances: " + instances);
            }
            return change;
        }

        @Override
        public void close() {
            watcher.close();
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, UTF_8);
    }

    private static String text(ByteSequence bytes) {
        return bytes.toString(UTF_8);
    }
}
