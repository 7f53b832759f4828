package io.etcdj.raft.script;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import io.etcdj.raft.MemoryRaftStorage;
import io.etcdj.raft.ProposalDroppedException;
import io.etcdj.raft.RaftConfig;
import io.etcdj.raft.RawNode;
import io.etcdj.raft.Ready;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scripted Raft group, after etcd raft's {@code rafttest.InteractionEnv}: members with IDs 1, 2,
 * ... (in the order added), the messages in flight between them, and an optional partition.
 * Nothing happens on its own: each Ready is processed, and each message delivered, only when a
 * command says so, and everything is printed to the {@link Transcript}.
 *
 * <p>A partition cuts links: a message crossing a cut link is dropped when it would be delivered
 * (so messages sent before a partition are lost too if delivered during it).
 */
final class InteractionEnv {
    /** How new members are set up; see {@code add-nodes} in {@link Commands}. */
    record NodeOptions(List<Long> voters, List<Long> learners, long index, boolean preVote, boolean checkQuorum,
                       int electionTicks, int heartbeatTicks, int jitter, long maxSizePerMsg, int maxInflight) {
    }

    final Transcript out = new Transcript();
    private final List<ScriptNode> nodes = new ArrayList<>();
    private final List<Message> inFlight = new ArrayList<>();
    /** Partition group of each node named by {@code partition}; unnamed nodes share group 0. Empty: healed. */
    private final Map<Long, Integer> partition = new HashMap<>();

    // ---- members

    void addNodes(int count, NodeOptions o) {
        for (int i = 0; i < count; i++) {
            long id = nodes.size() + 1;
            MemoryRaftStorage storage = new MemoryRaftStorage();
            ConfState cs = ConfState.newBuilder().addAllVoters(o.voters()).addAllLearners(o.learners()).build();
            if (!o.voters().isEmpty() || !o.learners().isEmpty() || o.index() > 0) {
                // As etcd's interaction tests: the group starts from a snapshot at `index` (term 1,
                // or 0 for an empty log) that names the members.
                storage.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                        .setIndex(o.index()).setTerm(o.index() > 0 ? 1 : 0).setConfState(cs)).build());
            }
            nodes.add(start(id, storage, o));
        }
    }

    /**
     * The process of {@code id} crashes and starts again from its storage, as a server restarts
     * from its WAL and snapshot: whatever was not handed out in a processed Ready (unpersisted
     * entries, unsent messages) is lost, the node comes back as a follower with its persisted term,
     * vote and commit, and it applies again, from its latest snapshot on, the committed entries.
     * Messages already in flight to it stay in flight.
     */
    void restart(long id) {
        ScriptNode old = node(id);
        nodes.set((int) id - 1, start(id, old.storage, old.options));
    }

    private ScriptNode start(long id, MemoryRaftStorage storage, NodeOptions o) {
        SnapshotMetadata snap = storage.snapshot().getMetadata();
        RaftConfig config = new RaftConfig(id, storage, snap.getIndex(), o.electionTicks(), o.heartbeatTicks(),
                Long.MAX_VALUE, new FixedJitter(o.jitter()), new TranscriptLogger(out), o.preVote(), o.checkQuorum(),
                o.maxSizePerMsg(), o.maxInflight());
        return new ScriptNode(id, new RawNode(config), storage, o, snap.getIndex(),
                new ScriptNode.Applied(snap.getConfState(), storage.snapshot().getData().toStringUtf8()));
    }

    ScriptNode node(long id) {
        if (id < 1 || id > nodes.size()) {
            throw new ScriptException("no node " + id + " (nodes: 1.." + nodes.size() + ")");
        }
        return nodes.get((int) id - 1);
    }

    List<ScriptNode> nodes() {
        return List.copyOf(nodes);
    }

    // ---- Ready handling

    /**
     * Handles one Ready as a server's Raft loop does (see {@link Ready}): persist the snapshot,
     * entries and hard state; put the messages on the wire; restore the snapshot and apply the
     * committed entries (conf changes go to the node); advance.
     */
    void processReady(long id) {
        ScriptNode n = node(id);
        Ready rd = n.node.ready();
        out.print(Describe.ready(rd));
        if (rd.snapshot() != null) {
            n.storage.applySnapshot(rd.snapshot());
        }
        n.storage.append(rd.entries());
        if (rd.hardState() != null) {
            n.storage.setHardState(rd.hardState());
        }
        inFlight.addAll(rd.messages());
        if (rd.snapshot() != null) {
            SnapshotMetadata md = rd.snapshot().getMetadata();
            n.restore(md.getIndex(), md.getConfState(), rd.snapshot().getData().toStringUtf8());
        }
        for (Entry e : rd.committedEntries()) {
            if (e.getType() == EntryType.EntryConfChange) {
                n.applyConfState(e.getIndex(), n.node.applyConfChange(parseConfChange(e.getData())));
            } else {
                n.applyData(e.getIndex(), e.getData().toString(StandardCharsets.UTF_8));
            }
        }
        n.node.advance(rd);
    }

    private static ConfChange parseConfChange(ByteString data) {
        try {
            return ConfChange.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("committed conf change does not parse", e);
        }
    }

    // ---- the network

    /** Where messages for one node go: delivered, or dropped on purpose. */
    record Recipient(long id, boolean drop) {
    }

    /**
     * Delivers (or drops) every message in flight to each recipient, in the order sent; returns how
     * many were handled. Each step's log lines follow the message.
     */
    int deliverMsgs(List<Recipient> recipients) {
        int handled = 0;
        for (Recipient r : recipients) {
            for (Message m : takeMessagesTo(r.id())) {
                handled++;
                if (r.drop()) {
                    out.print("dropped: " + Describe.message(m));
                } else if (isCut(m.getFrom(), m.getTo())) {
                    out.print("dropped by partition: " + Describe.message(m));
                } else {
                    out.print(Describe.message(m));
                    ScriptNode to = node(m.getTo());
                    guarded(() -> to.node.step(m));
                }
            }
        }
        return handled;
    }

    private List<Message> takeMessagesTo(long id) {
        List<Message> taken = new ArrayList<>();
        for (Iterator<Message> it = inFlight.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (m.getTo() == id) {
                taken.add(m);
                it.remove();
            }
        }
        return taken;
    }

    private boolean hasMessagesTo(long id) {
        return inFlight.stream().anyMatch(m -> m.getTo() == id);
    }

    /**
     * Until nothing changes: every listed node with a Ready handles it, then every listed node
     * receives its messages. Messages to nodes not listed (or not added yet) stay in flight.
     */
    void stabilize(List<Long> ids) {
        List<ScriptNode> set = ids.isEmpty() ? nodes() : ids.stream().map(this::node).toList();
        boolean busy = true;
        while (busy) {
            busy = false;
            for (ScriptNode n : set) {
                if (n.node.hasReady()) {
                    busy = true;
                    out.print("> " + n.id + " handling Ready");
                    out.indented(() -> processReady(n.id));
                }
            }
            for (ScriptNode n : set) {
                if (hasMessagesTo(n.id)) {
                    busy = true;
                    out.print("> " + n.id + " receiving messages");
                    out.indented(() -> deliverMsgs(List.of(new Recipient(n.id, false))));
                }
            }
        }
    }

    /** Cuts every link between nodes of different groups; nodes in no group form one more group together. */
    void partition(List<List<Long>> groups) {
        partition.clear();
        for (int g = 0; g < groups.size(); g++) {
            for (long id : groups.get(g)) {
                node(id);
                if (partition.put(id, g + 1) != null) {
                    throw new ScriptException("partition: node " + id + " is in two groups");
                }
            }
        }
    }

    void heal() {
        partition.clear();
    }

    private boolean isCut(long from, long to) {
        return !partition.isEmpty() && !partition.getOrDefault(from, 0).equals(partition.getOrDefault(to, 0));
    }

    /** Describes the current partition, one group per parenthesis (the unnamed nodes last). */
    String describePartition() {
        Map<Integer, List<Long>> groups = new TreeMap<>();
        for (ScriptNode n : nodes) {
            groups.computeIfAbsent(partition.getOrDefault(n.id, Integer.MAX_VALUE), g -> new ArrayList<>()).add(n.id);
        }
        StringBuilder sb = new StringBuilder();
        for (List<Long> g : groups.values()) {
            sb.append(sb.isEmpty() ? "" : " ").append(Describe.ids(g));
        }
        return sb.toString();
    }

    /**
     * Runs an input into a node; a refusal or failure of the core becomes the command's output
     * (as etcd prints a step's error), so a script can expect it.
     */
    void guarded(Runnable input) {
        try {
            input.run();
        } catch (ScriptException e) {
            throw e;
        } catch (ProposalDroppedException e) {
            out.error(e.getMessage());
        } catch (RuntimeException e) {
            out.error(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
