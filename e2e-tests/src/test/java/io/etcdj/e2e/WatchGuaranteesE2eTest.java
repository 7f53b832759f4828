package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcdj.verify.watch.EventType;
import io.etcdj.verify.watch.KeyRange;
import io.etcdj.verify.watch.RecordedWatch;
import io.etcdj.verify.watch.WatchCheckResult;
import io.etcdj.verify.watch.WatchChecker;
import io.etcdj.verify.watch.WatchSpec;
import io.etcdj.verify.watch.WriteLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * etcd's watch guarantees under crash faults: watchers on different members (prefix watches with prev_kv from
 * revision 1 and from "now", single-key watches, one through a client of every member) follow a writer of puts,
 * deletes and two-key txns while a {@link KillRestartNemesis} SIGKILLs and restarts one member at a time. A watcher
 * whose stream breaks resumes from the revision after its last event ({@link RecordedWatcher}). The streams are then
 * checked by {@link WatchChecker} against the writes: ordered, no duplicates, no gaps, exact events and prev_kv,
 * whole revisions, agreement between watchers.
 *
 * <p>The end of every stream is pinned by a fence: after the faults, one txn puts every key and another deletes them
 * all; each watcher must deliver the fence, and everything up to it must then have been delivered. The seed is
 * printed and in failure messages.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class WatchGuaranteesE2eTest {

    private static final String PREFIX = "wg/";
    private static final List<String> KEYS = List.of("wg/k0", "wg/k1", "wg/k2", "wg/k3", "wg/k4");
    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(2_500);
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final int MAX_WRITES = 20_000;
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @Parameter
    ServerVariant variant;

    private EtcdCluster cluster;
    private final List<Client> clients = new ArrayList<>();
    private final List<RecordedWatcher> watchers = new ArrayList<>();
    private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "e2e-watch-resumer");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stopEverything() {
        watchers.forEach(RecordedWatcher::close);
        resumer.shutdownNow();
        clients.forEach(Client::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void watchersMissNothingAndSeeNoPhantomsWhileMembersAreKilledAndRestarted() throws Exception {
        long seed = System.nanoTime();
        System.out.println("WatchGuaranteesE2eTest: seed " + seed);
        cluster = EtcdCluster.start(3, variant);
        List<EtcdProcess> members = cluster.members();
        Client all = clientOf(members);
        // A fresh cluster: no key under the prefix exists at the base revision.
        long base = Jetcd.await(all.getKVClient().get(Jetcd.bytes(PREFIX + "none"))).getHeader().getRevision();
        RecordedWriter writer = new RecordedWriter(all.getKVClient(), WRITE_TIMEOUT);

        AtomicBoolean stopWriting = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writing = new Thread(() -> {
            try {
                writeRandomly(writer, new Random(seed), stopWriting);
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        }, "e2e-writer");
        KillRestartNemesis nemesis = new KillRestartNemesis(cluster, seed, 6);
        writing.start();
        nemesis.start();

        // Watchers join while writes go on; those from revision 1 first replay what they missed.
        WatchSpec wholePrefix = WatchSpec.of(KeyRange.prefix(PREFIX));
        watch("prefix-from-1@n1", List.of(members.get(0)), wholePrefix.from(1).withPrevKv());
        watch("prefix-from-now@n2", List.of(members.get(1)), wholePrefix.withPrevKv());
        watch("k0-from-1@n3", List.of(members.get(2)), WatchSpec.of(KeyRange.single(KEYS.get(0))).from(1)
                .withPrevKv());
        watch("k1-from-1@all", members, WatchSpec.of(KeyRange.single(KEYS.get(1))).from(1));
        watch("prefix-deletes-from-now@n3", List.of(members.get(2)), wholePrefix.withoutPuts().withPrevKv());

        writing.join(RUN.plus(WRITE_TIMEOUT).plusSeconds(30).toMillis());
        stopWriting.set(true);
        writing.join(WRITE_TIMEOUT.plusSeconds(5).toMillis());
        assertTrue(!writing.isAlive(), "the writer did not stop");
        if (writerFailure.get() != null) {
            throw new AssertionError("the writer failed", writerFailure.get());
        }
        nemesis.stop();

        // A linearizable read settles some writes of unknown outcome; then the fence ends every stream.
        GetResponse finalRead = Jetcd.await(all.getKVClient().get(Jetcd.bytes(PREFIX),
                GetOption.builder().isPrefix(true).build()));
        writer.settle(finalRead.getKvs());
        Fence fence = writeFence(writer);
        awaitDelivered(fence);
        watchers.forEach(w -> w.vouchCompleteThrough(fence.deletes()));
        watchers.forEach(RecordedWatcher::close);

        WriteLog log = writer.log(base);
        List<RecordedWatch> streams = watchers.stream().map(RecordedWatcher::recorded).toList();
        WatchCheckResult result = WatchChecker.check(log, streams);
        String context = "seed " + seed + ", base revision " + base + ", " + fence + "; writes: "
                + writer.committedCount() + " committed (" + writer.deletesCommitted() + " with a delete), "
                + writer.uncertainCount() + " of unknown outcome\nwatchers: " + watchers.stream()
                .map(w -> w.name() + " " + w.streams() + " stream(s), " + events(w.recorded()) + " events")
                .collect(Collectors.joining("; ")) + "\nnemesis:\n" + nemesis.actions();
        System.out.println(context + "\n" + result.explain());

        for (RecordedWatcher watcher : watchers) {
            assertTrue(watcher.failure() == null, () -> watcher.name() + ": " + watcher.failure() + "\n" + context);
        }
        assertTrue(nemesis.kills() >= 1, () -> "the nemesis killed nobody: " + context);
        // Every kill breaks the stream of the watcher pinned to that member: resumption must have been exercised.
        assertTrue(watchers.stream().mapToInt(RecordedWatcher::streams).sum() > watchers.size(),
                () -> "no watch stream was interrupted: " + context);
        assertTrue(writer.committedCount() >= 100, () -> "too few acknowledged writes: " + context);
        assertTrue(result.ok(), () -> result.explain() + "\n" + context);
    }

    /** Random puts (unique values), deletes and two-key txns for the run's time or count, whichever ends first. */
    private static void writeRandomly(RecordedWriter writer, Random random, AtomicBoolean stop)
            throws InterruptedException {
        long deadline = System.nanoTime() + RUN.toNanos();
        for (int i = 0; i < MAX_WRITES && System.nanoTime() < deadline && !stop.get(); i++) {
            String key = KEYS.get(random.nextInt(KEYS.size()));
            int dice = random.nextInt(100);
            boolean acknowledged;
            if (dice < 60) {
                acknowledged = writer.put(key, "v" + i);
            } else if (dice < 80) {
                acknowledged = writer.delete(key);
            } else {
                String other = KEYS.get((KEYS.indexOf(key) + 1 + random.nextInt(KEYS.size() - 1)) % KEYS.size());
                Map<String, String> values = new LinkedHashMap<>();
                values.put(key, "v" + i + "a");
                values.put(other, "v" + i + "b");
                acknowledged = writer.putAll(values);
            }
            if (!acknowledged) {
                // Writes of unknown outcome make the checker's job harder; do not pile them up during an outage.
                Thread.sleep(300);
            }
        }
    }

    /**
     * The revisions of the fence: a txn putting every key, then one deleting every key, so that every watcher, put
     * or delete filtered, has an event at the end.
     */
    private record Fence(long puts, long deletes) {
        long lastFor(WatchSpec spec) {
            return spec.passes(EventType.DELETE) ? deletes : puts;
        }
    }

    /** Writes the fence, retried as a whole until both txns are acknowledged (bounded). */
    private static Fence writeFence(RecordedWriter writer) throws InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String key : KEYS) {
                values.put(key, "fence-" + attempt);
            }
            if (writer.putAll(values)) {
                long puts = writer.lastCommittedRevision();
                // Every key is present now, so an acknowledged delete of all of them changes all of them.
                if (writer.deleteAll(KEYS) && writer.lastCommittedRevision() > puts) {
                    return new Fence(puts, writer.lastCommittedRevision());
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the fence was not acknowledged in 10 attempts");
    }

    /** Waits (bounded) until every watcher delivered the fence; a watcher that did not is reported by the checker. */
    private void awaitDelivered(Fence fence) throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (System.nanoTime() < deadline && watchers.stream()
                .anyMatch(w -> w.lastEventRevision() < fence.lastFor(w.spec()) && w.failure() == null)) {
            Thread.sleep(100);
        }
    }

    private void watch(String name, List<EtcdProcess> on, WatchSpec spec) throws InterruptedException {
        Thread.sleep(500);
        watchers.add(RecordedWatcher.start(name, clientOf(on), spec, resumer));
    }

    private Client clientOf(List<EtcdProcess> members) {
        Client client = Client.builder().endpoints(members.stream().map(EtcdProcess::clientUrl)
                .toArray(String[]::new)).build();
        clients.add(client);
        return client;
    }

    private static long events(RecordedWatch watch) {
        return watch.responses().stream().mapToLong(r -> r.events().size()).sum();
    }
}
