package io.etcdj.raft;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How one Raft node is set up.
 *
 * @param id                  this node's ID (the member ID); never 0
 * @param storage             the persisted log
 * @param applied             the last index the state machine has applied (a restart resumes after it)
 * @param electionTicks       ticks without a leader before campaigning (randomized in [n, 2n))
 * @param heartbeatTicks      ticks between a leader's heartbeats
 * @param maxCommittedBytes   bound on the committed entries handed out in one {@link Ready}
 * @param random              the source of election jitter: injected (and seeded in tests) so a run replays
 * @param logger              per-node logger
 */
public record RaftConfig(long id, RaftStorage storage, long applied, int electionTicks, int heartbeatTicks,
                         long maxCommittedBytes, RandomGenerator random, System.Logger logger) {
    public RaftConfig {
        if (id == 0) {
            throw new IllegalArgumentException("raft: cannot use none as id");
        }
        if (heartbeatTicks <= 0) {
            throw new IllegalArgumentException("raft: heartbeat tick must be greater than 0");
        }
        if (electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("raft: election tick must be greater than heartbeat tick");
        }
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(logger, "logger");
    }
}
