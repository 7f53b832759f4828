package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.ConfState;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Builders for tests that drive the {@link Raft} state machine directly, as etcd raft's own tests
 * do: a node whose membership comes from its storage's snapshot, and helpers to read its outbox.
 * Pre-vote and check-quorum are off unless a test turns them on (the paper's algorithm).
 */
final class RaftTestSupport {
    private RaftTestSupport() {
    }

    static long[] ids(long... ids) {
        return ids;
    }

    /** A storage whose (empty) snapshot names the members, as etcd's tests set up peers. */
    static MemoryRaftStorage storageWith(long[] voters, long[] learners) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.applySnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                .setConfState(confState(voters, learners))).build());
        return s;
    }

    static ConfState confState(long[] voters, long[] learners) {
        return ConfState.newBuilder().addAllVoters(Arrays.stream(voters).boxed().toList())
                .addAllLearners(Arrays.stream(learners).boxed().toList()).build();
    }

    static RaftConfig config(long id, RaftStorage storage, int election, int heartbeat) {
        return new RaftConfig(id, storage, 0, election, heartbeat, Long.MAX_VALUE, new SplittableRandom(id),
                TestLoggers.forNode(id), false, false, Long.MAX_VALUE, 256);
    }

    static Raft newRaft(long id, long[] peers, int election, int heartbeat) {
        return new Raft(config(id, storageWith(peers, new long[0]), election, heartbeat));
    }

    static Raft newRaft(long id, int election, int heartbeat, MemoryRaftStorage storage) {
        return new Raft(config(id, storage, election, heartbeat));
    }

    static Raft newRaft(RaftConfig config) {
        return new Raft(config);
    }

    static Raft newLearnerRaft(long id, long[] voters, long[] learners, int election, int heartbeat) {
        return new Raft(config(id, storageWith(voters, learners), election, heartbeat));
    }

    /** Takes and clears the node's outbox. */
    static List<Message> readMessages(Raft r) {
        List<Message> out = new ArrayList<>(r.msgs);
        r.msgs.clear();
        return out;
    }

    static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).build();
    }

    static Entry entry(long index, long term, String data) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFromUtf8(data)).build();
    }

    /** Entries with terms {@code terms[i]} at indexes 1, 2, ... */
    static List<Entry> entriesWithTerms(long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(entry(i + 1, terms[i]));
        }
        return out;
    }

    static Message.Builder msg(MessageType type, long from, long to) {
        return Message.newBuilder().setType(type).setFrom(from).setTo(to);
    }

    static Message hup(long id) {
        return msg(MessageType.MsgHup, id, id).build();
    }

    static Message beat(long id) {
        return msg(MessageType.MsgBeat, id, id).build();
    }

    static Message prop(long id, String data) {
        return msg(MessageType.MsgProp, id, id).addEntries(Entry.newBuilder().setData(ByteString.copyFromUtf8(data)))
                .build();
    }

    static Message propConfChange(long id, ConfChangeType type, long node) {
        return msg(MessageType.MsgProp, id, id).addEntries(Entry.newBuilder().setType(EntryType.EntryConfChange)
                .setData(ConfChange.newBuilder().setType(type).setNodeId(node).build().toByteString())).build();
    }

    static ConfChange cc(ConfChangeType type, long node) {
        return ConfChange.newBuilder().setType(type).setNodeId(node).build();
    }

    static HardState hardState(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    /** Ticks until the node's randomized election timeout passed (it campaigns). */
    static void tickUntilElection(Raft r) {
        for (int i = 0; i < 2 * r.electionTimeout; i++) {
            r.tick();
        }
    }

    /** Makes {@code r} the leader of its group without sending anything (a test shortcut). */
    static void becomeLeader(Raft r) {
        r.becomeCandidate();
        r.becomeLeader();
    }

    /** Entries of the node's whole log, from the first index. */
    static List<Entry> allEntries(Raft r) {
        return r.log.entriesFrom(r.log.firstIndex(), Long.MAX_VALUE);
    }

    static UnaryOperator<RaftConfig> preVote() {
        return c -> c.withPreVote(true);
    }

    static UnaryOperator<RaftConfig> checkQuorum() {
        return c -> c.withCheckQuorum(true);
    }
}
