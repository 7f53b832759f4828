package io.etcdj.e2e;

import static io.etcdj.e2e.Jetcd.await;
import static io.etcdj.e2e.Jetcd.bytes;
import static io.etcdj.e2e.Jetcd.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every write the server acknowledged survives SIGKILL: after a restart on the same data directory each
 * acknowledged put is there with its value and revisions, and each acknowledged delete stays deleted.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class DurabilityTest {

    private static final int ROUNDS = 3;
    private static final int PUTS_PER_ROUND = 100;
    private static final int WRITERS = 4;
    private static final int ACKS_BEFORE_KILL = 150;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);

    @Parameter
    ServerVariant variant;

    private EtcdProcess server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void acknowledgedWritesSurviveRepeatedSigkill() {
        server = EtcdProcess.start("durable", variant);
        Map<String, KeyValueState> acknowledged = new HashMap<>();
        long lastRevision = 0;
        for (int round = 0; round < ROUNDS; round++) {
            try (Client client = Jetcd.client(server)) {
                KV kv = client.getKVClient();
                for (int i = 0; i < PUTS_PER_ROUND; i++) {
                    // Rewrites keys of earlier rounds too, so versions and create revisions matter.
                    String key = "dur/" + (i % 2 == 0 ? round : Math.max(0, round - 1)) + "/" + i;
                    String value = "r" + round + "-" + i;
                    long revision = await(kv.put(bytes(key), bytes(value))).getHeader().getRevision();
                    assertTrue(revision > lastRevision, "revisions increase across restarts");
                    lastRevision = revision;
                    acknowledged.merge(key, KeyValueState.created(value, revision),
                            (old, created) -> old.modified(value, revision));
                }
                // Deletes keys just written; in the next round one of them is created anew (version 1).
                for (int i = 1; i < PUTS_PER_ROUND; i += 10) {
                    String key = "dur/" + Math.max(0, round - 1) + "/" + i;
                    var delete = await(kv.delete(bytes(key)));
                    assertEquals(1, delete.getDeleted(), key);
                    lastRevision = delete.getHeader().getRevision();
                    acknowledged.remove(key);
                }
            }
            server.kill9();
            server.startAgain();
            try (Client client = Jetcd.client(server)) {
                Map<String, KeyValue> stored = readPrefix(client, "dur/");
                // Equal key sets: no acknowledged put is missing and no acknowledged delete came back.
                assertEquals(acknowledged.keySet(), stored.keySet(), "after SIGKILL number " + (round + 1));
                acknowledged.forEach((key, expected) -> expected.assertMatches(key, stored.get(key)));
                long current = await(client.getKVClient().get(bytes("dur/"))).getHeader().getRevision();
                assertEquals(lastRevision, current, "the revision counter survives the kill");
            }
        }
    }

    @Test
    void acknowledgedPutsSurviveSigkillDuringConcurrentWrites() throws InterruptedException {
        server = EtcdProcess.start("burst", variant);
        for (int round = 0; round < 2; round++) {
            Map<String, Long> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enoughAcks = new CountDownLatch(ACKS_BEFORE_KILL);
            List<Thread> writers = new ArrayList<>();
            Client writerClient = Jetcd.client(server);
            try {
                KV kv = writerClient.getKVClient();
                for (int w = 0; w < WRITERS; w++) {
                    String prefix = "burst/" + round + "/" + w + "/";
                    writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
                        // Each writer keeps one put in flight; it stops at the first failure (the kill).
                        for (int i = 0; !stop.get(); i++) {
                            String key = prefix + i;
                            try {
                                PutResponse put = kv.put(bytes(key), bytes(valueFor(key)))
                                        .get(WRITE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                                acked.put(key, put.getHeader().getRevision());
                                enoughAcks.countDown();
                            } catch (Exception failed) {
                                return;
                            }
                        }
                    }));
                }
                assertTrue(enoughAcks.await(120, TimeUnit.SECONDS), "the writers got " + acked.size() + " acks");
                server.kill9();
                stop.set(true);
            } finally {
                stop.set(true);
                writerClient.close();
                for (Thread writer : writers) {
                    writer.join(TimeUnit.SECONDS.toMillis(60));
                    assertFalse(writer.isAlive(), writer.getName() + " did not stop");
                }
            }
            Map<String, Long> survivorsToCheck = Map.copyOf(acked);
            assertEquals(survivorsToCheck.size(), new HashSet<>(survivorsToCheck.values()).size(),
                    "every acknowledged put got a revision of its own");

            server.startAgain();
            try (Client client = Jetcd.client(server)) {
                Map<String, KeyValue> stored = readPrefix(client, "burst/" + round + "/");
                survivorsToCheck.forEach((key, revision) -> {
                    KeyValue kv = stored.get(key);
                    assertTrue(kv != null, "acknowledged put lost after SIGKILL: " + key + " at revision " + revision);
                    assertEquals(valueFor(key), text(kv.getValue()), key);
                    assertEquals(revision, kv.getModRevision(), key);
                    assertEquals(revision, kv.getCreateRevision(), key);
                    assertEquals(1, kv.getVersion(), key);
                });
                // Unacknowledged puts may or may not have been applied, but never with another value.
                stored.forEach((key, kv) -> assertEquals(valueFor(key), text(kv.getValue()), key));
                long maxStored = stored.values().stream().mapToLong(KeyValue::getModRevision).max().orElse(0);
                long next = await(client.getKVClient().put(bytes("burst/after/" + round), bytes("x")))
                        .getHeader().getRevision();
                assertTrue(next > maxStored, "a new put after the restart gets a fresh revision");
            }
        }
    }

    private static String valueFor(String key) {
        return "value-of-" + key;
    }

    private static Map<String, KeyValue> readPrefix(Client client, String prefix) {
        Map<String, KeyValue> result = new HashMap<>();
        for (KeyValue kv : await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()))
                .getKvs()) {
            result.put(text(kv.getKey()), kv);
        }
        return result;
    }

    /** What the test expects of one key: its value, create and mod revision, and version. */
    private record KeyValueState(String value, long createRevision, long modRevision, long version) {

        static KeyValueState created(String value, long revision) {
            return new KeyValueState(value, revision, revision, 1);
        }

        KeyValueState modified(String newValue, long revision) {
            return new KeyValueState(newValue, createRevision, revision, version + 1);
        }

        void assertMatches(String key, KeyValue kv) {
            assertEquals(value, text(kv.getValue()), key);
            assertEquals(createRevision, kv.getCreateRevision(), key);
            assertEquals(modRevision, kv.getModRevision(), key);
            assertEquals(version, kv.getVersion(), key);
        }
    }
}
