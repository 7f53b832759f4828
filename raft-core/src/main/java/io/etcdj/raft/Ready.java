package io.etcdj.raft;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Message;
import java.util.List;

/**
 * Everything the driver must do after the core changed, handed out by {@link RawNode#ready()} and
 * acknowledged with {@link RawNode#advance(Ready)}. The driver must process the parts in this order:
 *
 * <ol>
 *   <li>{@link #entries} and {@link #hardState}: append to the WAL and, when {@link #mustSync}, fsync
 *       before anything in this Ready becomes visible outside the node (a vote or an acknowledgment
 *       sent before persisting is how Raft loses safety). Then append the entries to the
 *       {@link MemoryRaftStorage}.</li>
 *   <li>{@link #messages}: send. (A leader may send its appends before its own fsync; followers'
 *       replies and votes must wait — this core puts only messages that are safe to send after the
 *       persist step in this list.)</li>
 *   <li>{@link #committedEntries}: apply in order. They are committed, and were persisted no later
 *       than step 1 of this Ready.</li>
 *   <li>{@link #readStates}: a read may be served once the applied index reaches its index.</li>
 * </ol>
 *
 * @param softState        leader and role, or null when unchanged
 * @param hardState        term, vote and commit to persist, or null when unchanged
 * @param entries          entries to persist
 * @param committedEntries entries to apply
 * @param messages         messages to send
 * @param readStates       ReadIndex answers
 * @param mustSync         whether the WAL must be fsynced before continuing
 */
public record Ready(SoftState softState, HardState hardState, List<Entry> entries, List<Entry> committedEntries,
                    List<Message> messages, List<ReadState> readStates, boolean mustSync) {

    /** The volatile part of a node's state, for logs, {@code Status} and metrics. */
    public record SoftState(long leader, RaftRole role) {
    }

    /**
     * A ReadIndex answer: a linearizable read issued with {@code context} may be served once the
     * node has applied {@code index}.
     */
    public record ReadState(long index, byte[] context) {
    }
}
