package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Snapshot;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log: stable prefix, unstable suffix, truncation, compaction, snapshots. */
class RaftLogTest {

    private static RaftLog logWith(List<Entry> stable) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(stable);
        return new RaftLog(s, 0);
    }

    @Test
    void findConflictNamesTheFirstNewOrDifferentEntry() {
        RaftLog log = logWith(entriesWithTerms(1, 2, 3));
        assertEquals(0, log.findConflict(List.of()));
        assertEquals(0, log.findConflict(List.of(entry(2, 2), entry(3, 3))));
        assertEquals(4, log.findConflict(List.of(entry(3, 3), entry(4, 4))), "new");
        assertEquals(2, log.findConflict(List.of(entry(2, 4), entry(3, 4))), "different term");
    }

    @Test
    void maybeAppendTruncatesAtTheConflictAndCommitsWhatItProved() {
        RaftLog log = logWith(entriesWithTerms(1, 2, 3));
        assertEquals(-1, log.maybeAppend(3, 2, 3, List.of(entry(4, 4))), "previous entry does not match");
        assertEquals(4, log.maybeAppend(2, 2, 10, List.of(entry(3, 4), entry(4, 4))));
        assertEquals(List.of(entry(3, 4), entry(4, 4)), log.unstableEntries());
        assertEquals(4, log.committed, "commit is bounded by what the append proved");
        assertEquals(2, log.maybeAppend(1, 1, 2, List.of(entry(2, 2))), "a stale prefix changes nothing");
        assertEquals(4, log.lastIndex());
    }

    @Test
    void findConflictByTermSkipsHigherTerms() {
        RaftLog log = logWith(entriesWithTerms(1, 1, 3, 3, 5, 5));
        assertArrayEquals(new long[]{6, 5}, log.findConflictByTerm(6, 5));
        assertArrayEquals(new long[]{4, 3}, log.findConflictByTerm(6, 4));
        assertArrayEquals(new long[]{2, 1}, log.findConflictByTerm(6, 2));
        assertArrayEquals(new long[]{0, 0}, log.findConflictByTerm(6, 0));
    }

    @Test
    void stableToIgnoresEntriesReplacedSinceTheReady() {
        RaftLog log = logWith(List.of());
        log.append(List.of(entry(1, 1), entry(2, 1)));
        log.append(List.of(entry(2, 2)));  // replaced before the driver persisted the first version
        log.stableTo(2, 1);
        assertEquals(List.of(entry(1, 1), entry(2, 2)), log.unstableEntries(), "entry 2 of term 2 is not persisted yet");
        log.stableTo(2, 2);
        assertTrue(log.unstableEntries().isEmpty());
    }

    @Test
    void compactedIndexesHaveNoKnownTerm() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(entriesWithTerms(1, 1, 2, 2, 3));
        s.compact(3);
        RaftLog log = new RaftLog(s, 0);
        assertEquals(4, log.firstIndex());
        assertEquals(2, log.term(3), "the dummy's term is known");
        assertEquals(RaftLog.UNKNOWN_TERM, log.termOrUnknown(2));
        assertEquals(0, log.term(2));
        assertEquals(RaftLog.UNKNOWN_TERM, log.termOrUnknown(6));
        assertThrows(RaftStorage.CompactedException.class, () -> log.slice(2, 5, Long.MAX_VALUE));
        assertFalse(log.matchTerm(2, 0));
    }

    @Test
    void sliceSpansStorageAndUnstableAndRespectsTheSizeBound() {
        RaftLog log = logWith(List.of(entry(1, 1, "aaaa"), entry(2, 1, "bbbb")));
        log.append(List.of(entry(3, 1, "cccc")));
        assertEquals(3, log.slice(1, 4, Long.MAX_VALUE).size());
        long one = entry(1, 1, "aaaa").getSerializedSize();
        assertEquals(1, log.slice(1, 4, 0).size(), "at least one entry");
        assertEquals(2, log.slice(1, 4, 2 * one).size());
        assertEquals(2, log.slice(2, 4, 2 * one).size(), "across the stable / unstable boundary");
    }

    @Test
    void restoreMakesTheSnapshotTheWholeLog() {
        RaftLog log = logWith(entriesWithTerms(1, 1, 1));
        log.append(List.of(entry(4, 2)));
        Snapshot snap = Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(10).setTerm(5)).build();
        log.restore(snap);
        assertEquals(10, log.committed);
        assertEquals(11, log.firstIndex());
        assertEquals(10, log.lastIndex());
        assertEquals(5, log.lastTerm());
        assertEquals(snap, log.unstableSnapshot());
        assertTrue(log.unstableEntries().isEmpty());
        log.stableSnapTo(10);
        assertNull(log.unstableSnapshot());
    }

    @Test
    void appliedMustStayWithinCommitted() {
        RaftLog log = logWith(entriesWithTerms(1, 1, 1));
        log.commitTo(2);
        log.appliedTo(2);
        assertThrows(IllegalStateException.class, () -> log.appliedTo(3));
        assertThrows(IllegalStateException.class, () -> log.appliedTo(1));
        assertThrows(IllegalStateException.class, () -> log.commitTo(4), "cannot commit beyond the log");
    }
}
