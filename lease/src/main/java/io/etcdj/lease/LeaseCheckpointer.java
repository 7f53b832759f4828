package io.etcdj.lease;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Proposes lease checkpoints through Raft, as etcd's {@code Checkpointer} (set only when
 * {@code --experimental-enable-lease-checkpoint} is on). Giving one to the {@link Lessor} turns
 * checkpointing on.
 *
 * <p>The lessor calls it from {@link Lessor#renew} (on the renewing thread, never while holding its
 * lock) to clear a lease's checkpointed remaining TTL before extending the lease, as etcd does; it
 * waits for the returned stage, whose outcome it ignores (etcd ignores the proposal's error too).
 * The periodic checkpoints are not proposed through this interface: the server polls
 * {@link Lessor#dueCheckpoints} and proposes them itself.
 */
@FunctionalInterface
public interface LeaseCheckpointer {
    /**
     * Proposes one {@code LeaseCheckpointRequest} holding {@code checkpoints}; the stage completes
     * when it is applied (or has failed). Must not block.
     */
    CompletionStage<?> propose(List<LeaseCheckpoint> checkpoints);
}
