package io.etcdj.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.raftpb.ConfChange;
import io.etcdj.api.raftpb.ConfChangeType;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.EntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The single-voter group: what the single-node server relies on. */
class SingleVoterRawNodeTest {
    private static final long ID = 0x8e9e05c52164694dL;

    private final MemoryRaftStorage storage = new MemoryRaftStorage();
    private final List<Entry> applied = new ArrayList<>();

    private RawNode newNode(long appliedIndex) {
        return new RawNode(new RaftConfig(ID, storage, appliedIndex, 10, 1, Long.MAX_VALUE, new SplittableRandom(1),
                System.getLogger("raft-test")));
    }

    /** Processes a Ready as the driver does: persist, then apply, then advance. */
    private Ready drive(RawNode node) {
        assertTrue(node.hasReady());
        Ready rd = node.ready();
        storage.append(rd.entries());
        if (rd.hardState() != null) {
            storage.setHardState(rd.hardState());
        }
        for (Entry e : rd.committedEntries()) {
            assertTrue(e.getIndex() <= storage.lastIndex(), "applied entry " + e.getIndex() + " before it was persisted");
            if (e.getType() == EntryType.EntryConfChange) {
                node.applyConfChange(parse(e));
            }
            applied.add(e);
        }
        node.advance(rd);
        return rd;
    }

    private static ConfChange parse(Entry e) {
        try {
            return ConfChange.parseFrom(e.getData());
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    private RawNode bootstrapped() {
        RawNode node = newNode(0);
        node.bootstrap(List.of(ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(ID).build()));
        Ready first = drive(node);
        assertEquals(1, first.entries().size());
        assertEquals(1, first.committedEntries().size());
        assertTrue(first.mustSync());
        return node;
    }

    @Test
    void bootstrapCommitsTheMembershipEntryThenCampaignElectsItself() {
        RawNode node = bootstrapped();
        assertEquals(RaftRole.FOLLOWER, node.role());
        node.campaign();
        assertEquals(RaftRole.LEADER, node.role());
        assertEquals(2, node.term());
        Ready rd = drive(node);
        assertEquals(RaftRole.LEADER, rd.softState().role());
        assertEquals(1, rd.entries().size(), "the empty entry of the new term");
        assertEquals(2, rd.hardState().getCommit());
        assertEquals(ID, rd.hardState().getVote());
        assertFalse(node.hasReady());
    }

    @Test
    void proposalsAreBatchedIntoOneReadyAndCommittedInOrder() {
        RawNode node = bootstrapped();
        node.campaign();
        drive(node);
        for (int i = 0; i < 5; i++) {
            node.propose(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        Ready rd = drive(node);
        assertEquals(5, rd.entries().size());
        assertEquals(5, rd.committedEntries().size());
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), rd.committedEntries().stream().map(Entry::getIndex).toList());
        assertEquals("v4", rd.committedEntries().get(4).getData().toStringUtf8());
        assertEquals(7, node.appliedIndex());
    }

    @Test
    void electionTimeoutCampaignsWithoutAnExplicitCall() {
        RawNode node = bootstrapped();
        for (int i = 0; i < 20 && node.role() != RaftRole.LEADER; i++) {
            node.tick();
        }
        assertEquals(RaftRole.LEADER, node.role());
    }

    @Test
    void followerDropsProposals() {
        RawNode node = bootstrapped();
        assertThrows(ProposalDroppedException.class, () -> node.propose(new byte[]{1}));
        assertThrows(ProposalDroppedException.class, () -> node.readIndex(new byte[]{1}));
    }

    @Test
    void readIndexAnswersWithTheCommitIndex() {
        RawNode node = bootstrapped();
        node.campaign();
        drive(node);
        node.propose(new byte[]{7});
        node.readIndex(new byte[]{42});
        Ready rd = drive(node);
        assertEquals(1, rd.readStates().size());
        assertEquals(3, rd.readStates().get(0).index());
        assertArrayEquals(new byte[]{42}, rd.readStates().get(0).context());
    }

    @Test
    void restartReplaysCommittedEntriesAfterTheSnapshotSoMembershipIsRebuilt() {
        RawNode node = bootstrapped();
        node.campaign();
        drive(node);
        for (int i = 0; i < 3; i++) {
            node.propose(new byte[]{(byte) i});
        }
        drive(node);  // persisted and applied up to 5
        applied.clear();
        // As etcd: the core restarts from the last snapshot (none here) and replays every committed
        // entry after it; the server skips what its backend already applied, but conf changes are
        // re-applied to the core, which is how it learns its voters again.
        RawNode restarted = newNode(0);
        assertEquals(RaftRole.FOLLOWER, restarted.role());
        Ready rd = drive(restarted);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rd.committedEntries().stream().map(Entry::getIndex).toList());
        assertTrue(rd.entries().isEmpty());
        restarted.campaign();
        drive(restarted);
        assertEquals(3, restarted.term());
        restarted.propose(new byte[]{9});
        assertEquals(7, drive(restarted).committedEntries().get(0).getIndex());
    }

    @Test
    void restartWithAnAppliedIndexSkipsTheAppliedPrefix() {
        RawNode node = bootstrapped();
        node.campaign();
        drive(node);
        node.propose(new byte[]{1});
        drive(node);
        RawNode restarted = newNode(2);
        assertEquals(List.of(3L), drive(restarted).committedEntries().stream().map(Entry::getIndex).toList());
    }

    @Test
    void appliedBeyondCommittedIsRefused() {
        RawNode node = bootstrapped();
        assertThrows(IllegalStateException.class, () -> newNode(5));
        assertEquals(1, node.committedIndex());
    }

    @Test
    void compactedStorageStillAnswersTermOfItsDummy() {
        RawNode node = bootstrapped();
        node.campaign();
        drive(node);
        node.propose(new byte[]{1});
        drive(node);
        storage.createSnapshot(3, node.confState(), null);
        storage.compact(3);
        assertEquals(4, storage.firstIndex());
        assertEquals(2, storage.term(3));
        assertThrows(RaftStorage.CompactedException.class, () -> storage.entries(3, 4, Long.MAX_VALUE));
        RawNode restarted = newNode(3);
        assertFalse(restarted.hasReady() && !restarted.ready().committedEntries().isEmpty());
    }
}
