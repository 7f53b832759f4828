package io.etcdj.raft.script;

import io.etcdj.api.raftpb.ConfState;
import io.etcdj.raft.MemoryRaftStorage;
import io.etcdj.raft.RawNode;
import java.util.TreeMap;

/**
 * One member of a scripted group: its {@link RawNode}, the {@link MemoryRaftStorage} the driver
 * persists to, and an "appender" state machine (the data of every applied normal entry, joined by
 * commas) with its history by applied index, so {@code compact} can snapshot any applied index
 * with the configuration and data it had then.
 */
final class ScriptNode {
    /** The state machine right after applying an index. */
    record Applied(ConfState confState, String data) {
    }

    final long id;
    final RawNode node;
    final MemoryRaftStorage storage;
    final InteractionEnv.NodeOptions options;
    private final TreeMap<Long, Applied> history = new TreeMap<>();

    ScriptNode(long id, RawNode node, MemoryRaftStorage storage, InteractionEnv.NodeOptions options,
               long startIndex, Applied start) {
        this.id = id;
        this.node = node;
        this.storage = storage;
        this.options = options;
        history.put(startIndex, start);
    }

    Applied current() {
        return history.lastEntry().getValue();
    }

    /** Applies a normal entry's data (empty entries, such as a new leader's, change nothing). */
    void applyData(long index, String data) {
        String before = current().data();
        String after = data.isEmpty() ? before : before.isEmpty() ? data : before + "," + data;
        history.put(index, new Applied(current().confState(), after));
    }

    void applyConfState(long index, ConfState cs) {
        history.put(index, new Applied(cs, current().data()));
    }

    /** A snapshot from the leader replaces the state machine. */
    void restore(long index, ConfState cs, String data) {
        history.put(index, new Applied(cs, data));
    }

    /** The state right after applying {@code index}, which this node must have applied itself (or restored). */
    Applied at(long index) {
        Applied a = history.get(index);
        if (a == null) {
            throw new ScriptException("node " + id + " never applied index " + index + " (applied: "
                    + history.keySet() + ")");
        }
        return a;
    }
}
