package io.etcdj.raft.sim;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.raft.MemoryRaftStorage;
import io.etcdj.raft.RaftStorage;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raft's safety properties (Figure 3 of the paper), checked incrementally against a global record
 * of what every node did. Each check is sound: a report is a real violation, never a false alarm.
 *
 * <ul>
 *   <li>{@link #ELECTION_SAFETY}: at most one leader per term.</li>
 *   <li>{@link #LOG_MATCHING}: an entry is identified by (index, term): every node that holds it holds
 *       the same content and the same term just before it (which by induction makes the logs
 *       identical up to it).</li>
 *   <li>{@link #LEADER_COMPLETENESS}: a leader elected in term t holds every entry some node reported
 *       committed while in a term below t.</li>
 *   <li>{@link #COMMITTED_STABLE}: an index reported committed always holds the same entry, on every
 *       node, forever (across crashes).</li>
 *   <li>{@link #STATE_MACHINE_SAFETY}: replicas that applied the same index hold the same state.</li>
 *   <li>{@link #READ_INDEX}: a read index is at least every commit reported before the read was asked.</li>
 * </ul>
 */
final class SafetyChecker {
    static final String ELECTION_SAFETY = "election safety (one leader per term)";
    static final String LOG_MATCHING = "log matching";
    static final String LEADER_COMPLETENESS = "leader completeness";
    static final String COMMITTED_STABLE = "committed entries never lost or changed";
    static final String STATE_MACHINE_SAFETY = "state machine safety";
    static final String READ_INDEX = "read index below a known commit";

    private record Identity(long index, long term) {
    }

    private record Held(Entry entry, long prevTerm) {
    }

    private final long seed;
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<Identity, Held> entries = new HashMap<>();
    private final Map<Long, Entry> committed = new HashMap<>();
    /** For each term, the highest index some node reported committed while in that term. */
    private final TreeMap<Long, Long> maxCommittedReportedInTerm = new TreeMap<>();
    private long maxCommitted;
    private final Map<Long, Long> stateAtIndex = new HashMap<>();

    SafetyChecker(long seed) {
        this.seed = seed;
    }

    long maxCommitted() {
        return maxCommitted;
    }

    private SafetyViolation violation(String property, String detail) {
        return new SafetyViolation(seed, property, detail, null);
    }

    void onLeader(long node, long term) {
        Long other = leaderOfTerm.putIfAbsent(term, node);
        if (other != null && other != node) {
            throw violation(ELECTION_SAFETY, "nodes " + other + " and " + node + " both lead term " + term);
        }
    }

    /**
     * A node just persisted {@code newEntries}; {@code storage} holds its whole persisted log now
     * (the caller persisted the Ready's entries before calling).
     */
    void onPersisted(long node, MemoryRaftStorage storage, java.util.List<Entry> newEntries) {
        long prevTerm = -1;
        for (Entry e : newEntries) {
            long prev;
            if (prevTerm >= 0) {
                prev = prevTerm;
            } else {
                try {
                    prev = storage.term(e.getIndex() - 1);
                } catch (RaftStorage.CompactedException | RaftStorage.UnavailableException ex) {
                    prev = -1;  // compacted: nothing to compare the predecessor with
                }
            }
            prevTerm = e.getTerm();
            Identity id = new Identity(e.getIndex(), e.getTerm());
            Held held = entries.putIfAbsent(id, new Held(e, prev));
            if (held == null) {
                continue;
            }
            if (!held.entry().equals(e)) {
                throw violation(LOG_MATCHING, "node " + node + " holds a different entry at (index " + e.getIndex()
                        + ", term " + e.getTerm() + ") than another node");
            }
            if (prev >= 0 && held.prevTerm() >= 0 && prev != held.prevTerm()) {
                throw violation(LOG_MATCHING, "node " + node + " holds (index " + e.getIndex() + ", term " + e.getTerm()
                        + ") after an entry of term " + prev + ", another node after term " + held.prevTerm());
            }
            if (held.prevTerm() < 0 && prev >= 0) {
                entries.put(id, new Held(e, prev));
            }
        }
    }

    /** A node became leader of {@code term}; {@code storage} holds its persisted log (all of it). */
    void onElected(long node, long term, MemoryRaftStorage storage) {
        onLeader(node, term);
        long mustHold = 0;
        for (long v : maxCommittedReportedInTerm.headMap(term, false).values()) {
            mustHold = Math.max(mustHold, v);
        }
        if (mustHold == 0) {
            return;
        }
        long snapIndex = storage.firstIndex() - 1;
        if (mustHold <= snapIndex) {
            return;  // inside its snapshot, which holds only committed entries
        }
        Entry expected = committed.get(mustHold);
        if (storage.lastIndex() < mustHold) {
            throw violation(LEADER_COMPLETENESS, "node " + node + " leads term " + term + " with last index "
                    + storage.lastIndex() + " but index " + mustHold + " was committed before");
        }
        long t = storage.term(mustHold);
        if (t != expected.getTerm()) {
            throw violation(LEADER_COMPLETENESS, "node " + node + " leads term " + term + " holding term " + t
                    + " at committed index " + mustHold + " (committed with term " + expected.getTerm() + ")");
        }
    }

    /** A node handed out {@code e} as committed while at {@code nodeTerm}. */
    void onCommitted(long node, long nodeTerm, Entry e) {
        Entry prior = committed.putIfAbsent(e.getIndex(), e);
        if (prior != null && !prior.equals(e)) {
            throw violation(COMMITTED_STABLE, "node " + node + " committed (index " + e.getIndex() + ", term "
                    + e.getTerm() + ") where (term " + prior.getTerm() + ") was committed before");
        }
        maxCommittedReportedInTerm.merge(nodeTerm, e.getIndex(), Math::max);
        maxCommitted = Math.max(maxCommitted, e.getIndex());
    }

    void onApplied(long node, long index, long state) {
        Long prior = stateAtIndex.putIfAbsent(index, state);
        if (prior != null && prior != state) {
            throw violation(STATE_MACHINE_SAFETY, "node " + node + " holds a different state after applying index "
                    + index + " than another node");
        }
    }

    void onReadIndex(long node, long readIndex, long committedWhenAsked) {
        if (readIndex < committedWhenAsked) {
            throw violation(READ_INDEX, "node " + node + " got read index " + readIndex + " for a read asked when index "
                    + committedWhenAsked + " was already committed");
        }
    }

    void onApplyGap(long node, String detail) {
        throw violation(STATE_MACHINE_SAFETY, "node " + node + ": " + detail);
    }
}
