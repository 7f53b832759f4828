package io.etcdj.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Runs the simulator over many seeds, alternating 3- and 5-member groups.
 *
 * <ul>
 *   <li>{@code -Draft.sim.seeds=N} (default 5000) and {@code -Draft.sim.firstSeed=S} (default 1) choose the seeds;</li>
 *   <li>{@code -Draft.sim.seed=S} replays one seed (add {@code -Draft.test.log=true} for every node's log).</li>
 * </ul>
 * A failure prints its seed first.
 */
class SimulationTest {

    static Simulation.Options optionsFor(long seed) {
        return Simulation.Options.of(seed % 2 == 0 ? 3 : 5);
    }

    @Test
    void manySeedsStaySafeAndRecoverAfterHealing() {
        Long only = Long.getLong("raft.sim.seed");
        long first = only != null ? only : Long.getLong("raft.sim.firstSeed", 1);
        int count = only != null ? 1 : Integer.getInteger("raft.sim.seeds", 5000);
        ConcurrentLinkedQueue<SafetyViolation> failures = new ConcurrentLinkedQueue<>();
        AtomicLong events = new AtomicLong();
        AtomicLong virtualMs = new AtomicLong();
        AtomicLong crashes = new AtomicLong();
        AtomicLong partitions = new AtomicLong();
        AtomicLong snapshots = new AtomicLong();
        AtomicLong confChanges = new AtomicLong();
        AtomicLong pauses = new AtomicLong();
        AtomicLong installed = new AtomicLong();
        AtomicLong transfers = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        long started = System.nanoTime();
        LongStream.range(first, first + count).parallel().forEach(seed -> {
            try {
                Simulation.Result r = Simulation.run(seed, optionsFor(seed));
                events.addAndGet(r.events());
                virtualMs.addAndGet(r.virtualMs());
                crashes.addAndGet(r.crashes());
                partitions.addAndGet(r.partitions());
                snapshots.addAndGet(r.snapshotsSent());
                confChanges.addAndGet(r.confChanges());
                committed.addAndGet(r.committed());
                pauses.addAndGet(r.pauses());
                installed.addAndGet(r.snapshotsInstalled());
                transfers.addAndGet(r.transfers());
                reads.addAndGet(r.readsAnswered());
            } catch (SafetyViolation v) {
                failures.add(v);
            }
        });
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("raft simulator: %d seeds from %d in %d ms: %d events, %d virtual seconds, %d entries committed, "
                        + "%d reads answered, %d crashes, %d partitions, %d pauses, %d snapshots sent, %d installed, "
                        + "%d conf changes and %d leader transfers proposed; %d failures%n",
                count, first, millis, events.get(), virtualMs.get() / 1000, committed.get(), reads.get(), crashes.get(),
                partitions.get(), pauses.get(), snapshots.get(), installed.get(), confChanges.get(), transfers.get(),
                failures.size());
        if (!failures.isEmpty()) {
            List<SafetyViolation> sorted = new ArrayList<>(failures);
            sorted.sort(Comparator.comparingLong(SafetyViolation::seed));
            StringBuilder sb = new StringBuilder();
            for (SafetyViolation v : sorted.subList(0, Math.min(10, sorted.size()))) {
                sb.append("\n  seed ").append(v.seed()).append(" [").append(Simulation.describe(v.seed(), optionsFor(v.seed())))
                        .append("]: ").append(v.getMessage());
            }
            SafetyViolation firstFailure = sorted.get(0);
            firstFailure.printStackTrace();
            fail("seed " + firstFailure.seed() + " failed (" + sorted.size() + " failing seeds); replay with -Draft.sim.seed="
                    + firstFailure.seed() + sb);
        }
    }

    @Test
    void aSeedReplaysExactly() {
        for (long seed : new long[]{7, 8}) {
            assertEquals(Simulation.run(seed, optionsFor(seed)), Simulation.run(seed, optionsFor(seed)));
        }
    }
}
