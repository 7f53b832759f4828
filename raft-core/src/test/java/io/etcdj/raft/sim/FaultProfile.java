package io.etcdj.raft.sim;

import java.util.SplittableRandom;

/**
 * Everything a seed decides about a run besides the order of events: fault rates, timing, Raft
 * settings, workload. Drawn once from the seed, so every seed explores a different mix (some
 * nearly fault-free, some hostile).
 *
 * @param dropRate            chance a message is lost
 * @param duplicateRate       chance a message is delivered twice
 * @param minDelayMs          smallest network delay
 * @param jitterMs            extra random delay (reorders messages)
 * @param tailRate            chance of a very long delay (up to {@code tailMs})
 * @param partitionRate       per fault step, chance to start a partition
 * @param crashRate           per fault step, chance to crash a node
 * @param pauseRate           per fault step, chance to pause a node (a GC pause or a stalled disk): it
 *                            neither ticks nor reads messages until it resumes, then works off its backlog
 * @param maxDowntimeMs       how long a crashed node may stay down
 * @param proposalsPerSecond  client write rate
 * @param maxWaitingWrites    client concurrency: writes proposed and not yet applied (or timed out)
 * @param readsPerSecond      client linearizable read rate
 * @param membershipChanges   whether members are added, promoted and removed during the run
 * @param transferRate        per fault step, chance the leader is asked to hand over leadership
 * @param faultPhaseMs        how long faults last before the network heals
 */
record FaultProfile(double dropRate, double duplicateRate, int minDelayMs, int jitterMs, double tailRate, int tailMs,
                    double partitionRate, double crashRate, double pauseRate, int maxDowntimeMs, double proposalsPerSecond,
                    int maxWaitingWrites, double readsPerSecond, boolean membershipChanges, double transferRate, int faultPhaseMs, int[] tickPeriodsMs,
                    int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum, long maxSizePerMsg,
                    int maxInflightMsgs, long maxCommittedBytes, int snapshotEveryEntries, int catchUpEntries,
                    int maxPayloadBytes) {

    /** Virtual milliseconds between fault decisions. */
    static final int FAULT_STEP_MS = 100;

    static FaultProfile draw(SplittableRandom r, int nodes) {
        int[] periods = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            periods[i] = 90 + r.nextInt(21);  // clocks that drift: 90..110 ms per 100 ms tick
        }
        boolean calm = r.nextInt(8) == 0;  // some seeds run nearly fault-free, to exercise the happy path hard
        return new FaultProfile(
                calm ? 0 : pick(r, 0, 0.3),
                calm ? 0 : pick(r, 0, 0.1),
                1 + r.nextInt(20),
                r.nextInt(150),
                calm ? 0 : pick(r, 0, 0.03),
                2000,
                calm ? 0 : pick(r, 0, 0.06),
                calm ? 0 : pick(r, 0, 0.04),
                calm ? 0 : pick(r, 0, 0.04),
                200 + r.nextInt(3000),
                0.5 + r.nextDouble() * 20,
                1 + r.nextInt(64),
                r.nextDouble() * 5,
                r.nextBoolean(),
                r.nextBoolean() ? 0 : pick(r, 0, 0.05),
                5000 + r.nextInt(55000),
                periods,
                10,
                1,
                r.nextInt(4) != 0,
                r.nextInt(4) != 0,
                switch (r.nextInt(3)) {
                    case 0 -> 0;  // one entry per append
                    case 1 -> 300;
                    default -> 1024 * 1024;
                },
                1 + r.nextInt(r.nextBoolean() ? 4 : 64),
                r.nextBoolean() ? 200 : Long.MAX_VALUE,
                3 + r.nextInt(60),
                r.nextInt(10),
                r.nextInt(200));
    }

    private static double pick(SplittableRandom r, double lo, double hi) {
        return lo + r.nextDouble() * (hi - lo);
    }

    String describe() {
        return String.format("drop=%.3f dup=%.3f delay=%d+%dms tail=%.3f partition=%.3f crash=%.3f pause=%.3f "
                        + "writes/s=%.1f reads/s=%.1f membership=%s transfers=%.3f faults=%dms preVote=%s checkQuorum=%s "
                        + "maxSizePerMsg=%d maxInflight=%d snapshotEvery=%d catchUp=%d",
                dropRate, duplicateRate, minDelayMs, jitterMs, tailRate, partitionRate, crashRate, pauseRate, proposalsPerSecond,
                readsPerSecond, membershipChanges, transferRate, faultPhaseMs, preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs,
                snapshotEveryEntries, catchUpEntries);
    }
}
