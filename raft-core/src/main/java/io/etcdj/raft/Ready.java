package io.etcdj.raft;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.Snapshot;
import java.util.List;

/**
 * Everything the driver must do after the core changed, handed out by {@link RawNode#ready()} and
 * acknowledged with {@link RawNode#advance(Ready)}. The driver must process the parts in this order,
 * and must not step, tick or propose into the node between {@code ready()} and {@code advance()}
 * (only {@link RawNode#applyConfChange}, during step 3):
 *
 * <ol>
 *   <li>{@link #snapshot}, {@link #entries} and {@link #hardState}: persist (snapshot first), and when
 *       {@link #mustSync}, fsync before anything in this Ready becomes visible outside the node (a
 *       vote or an acknowledgment sent before persisting is how Raft loses safety). A snapshot
 *       replaces the whole log: entries the WAL holds after the snapshot index must not be replayed
 *       after a restart (record the cut), unless {@link #entries} rewrites them. Then apply the
 *       snapshot to the {@link MemoryRaftStorage} ({@code applySnapshot}) and append the entries to it.</li>
 *   <li>{@link #messages}: send. Every message here is safe to send once step 1 is done, and not
 *       before: they include votes and acknowledgments of this Ready's state. (The leader counts its
 *       own entries towards the quorum as soon as it appends them, which is safe only because the
 *       driver persists them before it sends anything, or steps any answer back in.) A
 *       {@code MsgSnap} carries the snapshot's metadata (and whatever data the storage holds); report
 *       how sending it ended with {@link RawNode#reportSnapshot}, and report peers the transport
 *       cannot reach with {@link RawNode#reportUnreachable}.</li>
 *   <li>{@link #snapshot}: restore the state machine from it, then {@link #committedEntries}: apply in
 *       order; committed conf changes also go to {@link RawNode#applyConfChange}. They are committed,
 *       and were persisted no later than step 1 of this Ready.</li>
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
 * @param snapshot         a snapshot received from the leader, to persist and restore, or null
 */
public record Ready(SoftState softState, HardState hardState, List<Entry> entries, List<Entry> committedEntries,
                    List<Message> messages, List<ReadState> readStates, boolean mustSync, Snapshot snapshot) {

    /** A Ready without a snapshot. */
    public Ready(SoftState softState, HardState hardState, List<Entry> entries, List<Entry> committedEntries,
                 List<Message> messages, List<ReadState> readStates, boolean mustSync) {
        this(softState, hardState, entries, committedEntries, messages, readStates, mustSync, null);
    }

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
