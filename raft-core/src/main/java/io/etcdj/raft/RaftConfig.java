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
 * @param preVote             campaign in two phases (thesis §9.6), so a member rejoining after a partition
 *                            does not depose a working leader by bumping the term (default on, as etcd's
 *                            server runs it)
 * @param checkQuorum         a leader steps down when it has not heard from a quorum for an election
 *                            timeout, and followers ignore vote requests while they hear from a leader
 *                            (default on, as etcd's server runs it)
 * @param maxSizePerMsg       bound on the entry bytes of one append message; at least one entry is always
 *                            sent (etcd's server default: 1 MiB)
 * @param maxInflightMsgs     bound on the appends in flight to one follower while pipelining (etcd's server
 *                            default: 256)
 */
public record RaftConfig(long id, RaftStorage storage, long applied, int electionTicks, int heartbeatTicks,
                         long maxCommittedBytes, RandomGenerator random, System.Logger logger,
                         boolean preVote, boolean checkQuorum, long maxSizePerMsg, int maxInflightMsgs) {
    public static final boolean DEFAULT_PRE_VOTE = true;
    public static final boolean DEFAULT_CHECK_QUORUM = true;
    public static final long DEFAULT_MAX_SIZE_PER_MSG = 1024 * 1024;
    public static final int DEFAULT_MAX_INFLIGHT_MSGS = 256;

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
        if (maxInflightMsgs <= 0) {
            throw new IllegalArgumentException("raft: max inflight messages must be greater than 0");
        }
        if (maxSizePerMsg < 0 || maxCommittedBytes < 0) {
            throw new IllegalArgumentException("raft: size limits must not be negative");
        }
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(logger, "logger");
    }

    /** The settings etcd's server uses for everything not given: pre-vote and check-quorum on, 1 MiB appends, 256 in flight. */
    public RaftConfig(long id, RaftStorage storage, long applied, int electionTicks, int heartbeatTicks,
                      long maxCommittedBytes, RandomGenerator random, System.Logger logger) {
        this(id, storage, applied, electionTicks, heartbeatTicks, maxCommittedBytes, random, logger,
                DEFAULT_PRE_VOTE, DEFAULT_CHECK_QUORUM, DEFAULT_MAX_SIZE_PER_MSG, DEFAULT_MAX_INFLIGHT_MSGS);
    }

    public RaftConfig withPreVote(boolean on) {
        return new RaftConfig(id, storage, applied, electionTicks, heartbeatTicks, maxCommittedBytes, random, logger,
                on, checkQuorum, maxSizePerMsg, maxInflightMsgs);
    }

    public RaftConfig withCheckQuorum(boolean on) {
        return new RaftConfig(id, storage, applied, electionTicks, heartbeatTicks, maxCommittedBytes, random, logger,
                preVote, on, maxSizePerMsg, maxInflightMsgs);
    }

    public RaftConfig withFlowControl(long maxSizePerMsg, int maxInflightMsgs) {
        return new RaftConfig(id, storage, applied, electionTicks, heartbeatTicks, maxCommittedBytes, random, logger,
                preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs);
    }
}
