package io.etcdj.raft;

import static io.etcdj.raft.RaftTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.Message;
import io.etcdj.api.raftpb.MessageType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One test per claim of the Raft paper ("In Search of an Understandable Consensus Algorithm",
 * extended version), after etcd raft's raft_paper_test.go. Each names its section.
 */
class RaftPaperTest {

    private static List<Message> sorted(List<Message> msgs) {
        List<Message> out = new ArrayList<>(msgs);
        out.sort(Comparator.comparingLong(Message::getTo).thenComparing(m -> m.getType().getNumber()));
        return out;
    }

    /** The leader's no-op entry of its term is acknowledged by everyone, persisted and applied. */
    private static void commitNoopEntry(Raft r, MemoryRaftStorage s) {
        assertEquals(RaftRole.LEADER, r.role);
        r.replicator.bcastAppend();
        for (Message m : readMessages(r)) {
            assertEquals(MessageType.MsgApp, m.getType());
            assertEquals(1, m.getEntriesCount());
            assertTrue(m.getEntries(0).getData().isEmpty());
            r.step(acceptAndReply(m));
        }
        readMessages(r);
        s.append(r.log.unstableEntries());
        r.log.appliedTo(r.log.committed);
        r.log.stableTo(r.log.lastIndex(), r.log.lastTerm());
    }

    private static Message acceptAndReply(Message m) {
        assertEquals(MessageType.MsgApp, m.getType());
        return msg(MessageType.MsgAppResp, m.getTo(), m.getFrom()).setTerm(m.getTerm())
                .setIndex(m.getIndex() + m.getEntriesCount()).build();
    }

    // ---- §5.1

    /** §5.1: a server with a smaller term adopts the larger; a candidate or leader reverts to follower. */
    @Test
    void everyRoleAdoptsALargerTermAndBecomesFollower() {
        for (RaftRole role : List.of(RaftRole.FOLLOWER, RaftRole.CANDIDATE, RaftRole.LEADER)) {
            Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
            switch (role) {
                case FOLLOWER -> r.becomeFollower(1, 2);
                case CANDIDATE -> r.becomeCandidate();
                default -> becomeLeader(r);
            }
            r.step(msg(MessageType.MsgApp, 2, 1).setTerm(2).build());
            assertEquals(2, r.term, role.toString());
            assertEquals(RaftRole.FOLLOWER, r.role, role.toString());
            assertEquals(2, r.lead, role.toString());
        }
    }

    /** §5.1: a request with a stale term is rejected (here: ignored, and the old leader told the term). */
    @Test
    void staleTermMessagesAreNotActedOn() {
        MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
        s.setHardState(hardState(2, 0, 0));
        Raft r = newRaft(1, 10, 1, s);
        r.step(msg(MessageType.MsgApp, 2, 1).setTerm(1).addEntries(entry(1, 1)).build());
        assertEquals(2, r.term);
        assertEquals(0, r.log.lastIndex(), "entries of a stale leader must not be appended");
        assertEquals(Raft.NONE, r.lead);
        assertTrue(readMessages(r).isEmpty(), "without check-quorum or pre-vote a stale append is dropped");
    }

    // ---- §5.2

    /** §5.2: servers start as followers. */
    @Test
    void serversStartAsFollowers() {
        assertEquals(RaftRole.FOLLOWER, newRaft(1, ids(1, 2, 3), 10, 1).role);
    }

    /** §5.2: a leader sends heartbeats (appends without entries) to all followers every heartbeat interval. */
    @Test
    void leaderBroadcastsHeartbeats() {
        Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
        becomeLeader(r);
        readMessages(r);
        r.tick();
        List<Message> msgs = sorted(readMessages(r));
        assertEquals(2, msgs.size());
        for (int i = 0; i < 2; i++) {
            Message m = msgs.get(i);
            assertEquals(MessageType.MsgHeartbeat, m.getType());
            assertEquals(i + 2, m.getTo());
            assertEquals(1, m.getTerm());
            assertEquals(0, m.getEntriesCount());
            assertEquals(0, m.getCommit(), "followers' match is unknown, so commit is not forwarded yet");
        }
    }

    /**
     * §5.2: a follower that hears nothing for an election timeout becomes candidate, increments its
     * term, votes for itself and asks every other server; so does a candidate whose election times out.
     */
    @Test
    void followerAndCandidateStartElectionsAfterTimeout() {
        for (RaftRole role : List.of(RaftRole.FOLLOWER, RaftRole.CANDIDATE)) {
            Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
            if (role == RaftRole.FOLLOWER) {
                r.becomeFollower(1, 2);
            } else {
                r.becomeCandidate();
            }
            for (int i = 1; i < 2 * 10; i++) {
                r.tick();
            }
            assertEquals(2, r.term, role.toString());
            assertEquals(RaftRole.CANDIDATE, r.role, role.toString());
            assertEquals(1, r.vote, role.toString());
            List<Message> msgs = sorted(readMessages(r));
            assertEquals(List.of(2L, 3L), msgs.stream().map(Message::getTo).toList(), role.toString());
            for (Message m : msgs) {
                assertEquals(MessageType.MsgVote, m.getType());
                assertEquals(2, m.getTerm());
            }
        }
    }

    /** §5.2: in one round of votes a candidate wins with a majority, loses to a majority of denials, or waits. */
    @Test
    void electionInOneRoundOfVotes() {
        record Case(int size, Map<Long, Boolean> votes, RaftRole expected) {
        }
        List<Case> cases = List.of(
                new Case(1, Map.of(), RaftRole.LEADER),
                new Case(3, Map.of(2L, true, 3L, true), RaftRole.LEADER),
                new Case(3, Map.of(2L, true), RaftRole.LEADER),
                new Case(5, Map.of(2L, true, 3L, true, 4L, true, 5L, true), RaftRole.LEADER),
                new Case(5, Map.of(2L, true, 3L, true, 4L, true), RaftRole.LEADER),
                new Case(5, Map.of(2L, true, 3L, true), RaftRole.LEADER),
                new Case(3, Map.of(2L, false, 3L, false), RaftRole.FOLLOWER),
                new Case(5, Map.of(2L, false, 3L, false, 4L, false, 5L, false), RaftRole.FOLLOWER),
                new Case(5, Map.of(2L, true, 3L, false, 4L, false, 5L, false), RaftRole.FOLLOWER),
                new Case(3, Map.of(), RaftRole.CANDIDATE),
                new Case(5, Map.of(2L, true), RaftRole.CANDIDATE),
                new Case(5, Map.of(2L, false, 3L, false), RaftRole.CANDIDATE),
                new Case(5, Map.of(), RaftRole.CANDIDATE));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            long[] peers = new long[c.size()];
            for (int p = 0; p < c.size(); p++) {
                peers[p] = p + 1;
            }
            Raft r = newRaft(1, peers, 10, 1);
            r.step(hup(1));
            for (var v : new java.util.TreeMap<>(c.votes()).entrySet()) {
                r.step(msg(MessageType.MsgVoteResp, v.getKey(), 1).setTerm(r.term).setReject(!v.getValue()).build());
            }
            assertEquals(c.expected(), r.role, "case " + i);
            assertEquals(1, r.term, "case " + i);
        }
    }

    /** §5.2: a follower votes for at most one candidate per term, first come first served. */
    @Test
    void followerVotesForAtMostOneCandidatePerTerm() {
        long[][] cases = {{0, 1, 0}, {0, 2, 0}, {1, 1, 0}, {2, 2, 0}, {1, 2, 1}, {2, 1, 1}};  // vote, candidate, reject
        for (long[] c : cases) {
            MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
            s.setHardState(hardState(1, c[0], 0));
            Raft r = newRaft(1, 10, 1, s);
            r.step(msg(MessageType.MsgVote, c[1], 1).setTerm(1).build());
            List<Message> msgs = readMessages(r);
            assertEquals(1, msgs.size());
            assertEquals(MessageType.MsgVoteResp, msgs.get(0).getType());
            assertEquals(c[1], msgs.get(0).getTo());
            assertEquals(c[2] == 1, msgs.get(0).getReject(), "vote=" + c[0] + " candidate=" + c[1]);
        }
    }

    /** §5.2: a candidate that hears from a leader of at least its term returns to follower. */
    @Test
    void candidateFallsBackToALegitimateLeader() {
        for (long term : new long[]{1, 2}) {
            Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
            r.step(hup(1));
            assertEquals(RaftRole.CANDIDATE, r.role);
            r.step(msg(MessageType.MsgApp, 2, 1).setTerm(term).build());
            assertEquals(RaftRole.FOLLOWER, r.role);
            assertEquals(term, r.term);
            assertEquals(2, r.lead);
        }
    }

    /** §5.2: election timeouts are randomized in [timeout, 2 * timeout), for followers and candidates. */
    @Test
    void electionTimeoutsAreRandomized() {
        for (RaftRole role : List.of(RaftRole.FOLLOWER, RaftRole.CANDIDATE)) {
            Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
            Set<Integer> seen = new HashSet<>();
            for (int round = 0; round < 500; round++) {
                if (role == RaftRole.FOLLOWER) {
                    r.becomeFollower(r.term + 1, 2);
                } else {
                    r.becomeCandidate();
                }
                readMessages(r);
                int ticks = 0;
                while (readMessages(r).isEmpty()) {
                    r.tick();
                    ticks++;
                }
                assertTrue(ticks >= 10 && ticks < 20, "timeout " + ticks);
                seen.add(ticks);
            }
            for (int d = 11; d < 20; d++) {
                assertTrue(seen.contains(d), role + ": a timeout of " + d + " ticks never happened");
            }
        }
    }

    /** §5.2: randomized timeouts make it rare that several servers time out at once. */
    @Test
    void randomizedTimeoutsRarelyConflict() {
        for (RaftRole role : List.of(RaftRole.FOLLOWER, RaftRole.CANDIDATE)) {
            long[] peers = ids(1, 2, 3, 4, 5);
            List<Raft> rs = new ArrayList<>();
            for (long id : peers) {
                rs.add(newRaft(id, peers, 10, 1));
            }
            int conflicts = 0;
            for (int round = 0; round < 1000; round++) {
                for (Raft r : rs) {
                    if (role == RaftRole.FOLLOWER) {
                        r.becomeFollower(r.term + 1, Raft.NONE);
                    } else {
                        r.becomeCandidate();
                    }
                    readMessages(r);
                }
                int timedOut = 0;
                while (timedOut == 0) {
                    for (Raft r : rs) {
                        r.tick();
                        if (!readMessages(r).isEmpty()) {
                            timedOut++;
                        }
                    }
                }
                if (timedOut > 1) {
                    conflicts++;
                }
            }
            assertTrue(conflicts / 1000.0 <= 0.3, role + ": conflict probability " + conflicts / 1000.0);
        }
    }

    // ---- §5.3

    /**
     * §5.3: the leader appends a proposal to its log, then sends appends carrying the index and
     * term of the entry before the new ones to every follower; the new entry awaits persisting.
     */
    @Test
    void leaderStartsReplicationOfAProposal() {
        MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
        Raft r = newRaft(1, 10, 1, s);
        becomeLeader(r);
        commitNoopEntry(r, s);
        long li = r.log.lastIndex();
        r.step(prop(1, "some data"));
        assertEquals(li + 1, r.log.lastIndex());
        assertEquals(li, r.log.committed);
        Entry want = entry(li + 1, 1, "some data");
        for (Message m : sorted(readMessages(r))) {
            assertEquals(MessageType.MsgApp, m.getType());
            assertEquals(li, m.getIndex());
            assertEquals(1, m.getLogTerm());
            assertEquals(li, m.getCommit());
            assertEquals(List.of(want), m.getEntriesList());
        }
        assertEquals(List.of(want), r.log.unstableEntries());
    }

    /** §5.3: once replicated on a majority the entry is committed, handed out to apply, and the new commit index sent on. */
    @Test
    void leaderCommitsAReplicatedEntryAndTellsFollowers() {
        MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
        Raft r = newRaft(1, 10, 1, s);
        becomeLeader(r);
        commitNoopEntry(r, s);
        long li = r.log.lastIndex();
        r.step(prop(1, "some data"));
        for (Message m : readMessages(r)) {
            r.step(acceptAndReply(m));
        }
        assertEquals(li + 1, r.log.committed);
        assertEquals(List.of(entry(li + 1, 1, "some data")), r.log.nextCommittedEntries(Long.MAX_VALUE));
        List<Message> msgs = sorted(readMessages(r));
        assertEquals(2, msgs.size());
        for (Message m : msgs) {
            assertEquals(MessageType.MsgApp, m.getType());
            assertEquals(li + 1, m.getCommit());
        }
    }

    /** §5.3: an entry is committed once the leader that created it replicated it on a majority. */
    @Test
    void entryCommitsOnMajorityAcknowledgment() {
        record Case(int size, Set<Long> acceptors, boolean commits) {
        }
        List<Case> cases = List.of(new Case(1, Set.of(), true), new Case(3, Set.of(), false),
                new Case(3, Set.of(2L), true), new Case(3, Set.of(2L, 3L), true), new Case(5, Set.of(), false),
                new Case(5, Set.of(2L), false), new Case(5, Set.of(2L, 3L), true), new Case(5, Set.of(2L, 3L, 4L), true),
                new Case(5, Set.of(2L, 3L, 4L, 5L), true));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            long[] peers = new long[c.size()];
            for (int p = 0; p < c.size(); p++) {
                peers[p] = p + 1;
            }
            MemoryRaftStorage s = storageWith(peers, new long[0]);
            Raft r = newRaft(1, 10, 1, s);
            becomeLeader(r);
            commitNoopEntry(r, s);
            long li = r.log.lastIndex();
            r.step(prop(1, "some data"));
            for (Message m : readMessages(r)) {
                if (c.acceptors().contains(m.getTo())) {
                    r.step(acceptAndReply(m));
                }
            }
            assertEquals(c.commits(), r.log.committed > li, "case " + i);
        }
    }

    /** §5.3: committing an entry commits every entry before it, including those of earlier leaders. */
    @Test
    void leaderCommitsPrecedingEntries() {
        List<List<Entry>> cases = List.of(List.of(), List.of(entry(1, 2)), List.of(entry(1, 1), entry(2, 2)),
                List.of(entry(1, 1)));
        for (List<Entry> before : cases) {
            MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
            s.append(before);
            s.setHardState(hardState(2, 0, 0));
            Raft r = newRaft(1, 10, 1, s);
            becomeLeader(r);
            r.step(prop(1, "some data"));
            for (Message m : readMessages(r)) {
                r.step(acceptAndReply(m));
            }
            long li = before.size();
            List<Entry> want = new ArrayList<>(before);
            want.add(entry(li + 1, 3));
            want.add(entry(li + 2, 3, "some data"));
            assertEquals(want, r.log.nextCommittedEntries(Long.MAX_VALUE), before.toString());
        }
    }

    /** §5.3: a follower that learns an entry committed applies it, in log order. */
    @Test
    void followerAppliesEntriesTheLeaderCommitted() {
        List<Entry> two = List.of(entry(1, 1, "some data"), entry(2, 1, "some data2"));
        record Case(List<Entry> entries, long commit) {
        }
        for (Case c : List.of(new Case(two.subList(0, 1), 1), new Case(two, 2), new Case(two, 1))) {
            Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
            r.becomeFollower(1, 2);
            r.step(msg(MessageType.MsgApp, 2, 1).setTerm(1).addAllEntries(c.entries()).setCommit(c.commit()).build());
            assertEquals(c.commit(), r.log.committed);
            assertEquals(c.entries().subList(0, (int) c.commit()), r.log.nextCommittedEntries(Long.MAX_VALUE));
        }
    }

    /**
     * §5.3: a follower refuses an append whose previous entry it does not hold (with a hint where
     * to retry: the last index whose term is at most the leader's previous term), and accepts otherwise.
     */
    @Test
    void followerChecksThePreviousEntryOfAnAppend() {
        // index, logTerm, wantIndex, wantReject, wantHintIndex, wantHintTerm
        long[][] cases = {
                {0, 0, 1, 0, 0, 0},   // matches the start of the log: answers with the commit index
                {1, 1, 1, 0, 0, 0},   // matches a committed entry
                {2, 2, 2, 0, 0, 0},   // matches an uncommitted entry
                {2, 1, 2, 1, 1, 1},   // our entry 2 has term 2 > 1: retry from entry 1 (term 1)
                {3, 3, 3, 1, 2, 2},   // we have no entry 3: retry from our last (term 2 <= 3)
        };
        for (long[] c : cases) {
            MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
            s.append(List.of(entry(1, 1), entry(2, 2)));
            s.setHardState(hardState(0, 0, 1));
            Raft r = newRaft(1, 10, 1, s);
            r.becomeFollower(2, 2);
            r.step(msg(MessageType.MsgApp, 2, 1).setTerm(2).setLogTerm(c[1]).setIndex(c[0]).build());
            List<Message> msgs = readMessages(r);
            assertEquals(1, msgs.size());
            Message m = msgs.get(0);
            String name = "append after (" + c[0] + ", " + c[1] + ")";
            assertEquals(MessageType.MsgAppResp, m.getType(), name);
            assertEquals(c[2], m.getIndex(), name);
            assertEquals(c[3] == 1, m.getReject(), name);
            assertEquals(c[4], m.getRejectHint(), name);
            assertEquals(c[5], m.getReject() ? m.getLogTerm() : 0, name);
        }
    }

    /** §5.3: a valid append deletes a conflicting entry and all that follow, and appends what is new. */
    @Test
    void followerReplacesConflictingEntries() {
        record Case(long index, long term, List<Entry> entries, List<Entry> wantLog, List<Entry> wantUnstable) {
        }
        List<Case> cases = List.of(
                new Case(2, 2, List.of(entry(3, 3)), List.of(entry(1, 1), entry(2, 2), entry(3, 3)), List.of(entry(3, 3))),
                new Case(1, 1, List.of(entry(2, 3), entry(3, 4)), List.of(entry(1, 1), entry(2, 3), entry(3, 4)),
                        List.of(entry(2, 3), entry(3, 4))),
                new Case(0, 0, List.of(entry(1, 1)), List.of(entry(1, 1), entry(2, 2)), List.of()),
                new Case(0, 0, List.of(entry(1, 3)), List.of(entry(1, 3)), List.of(entry(1, 3))));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
            s.append(List.of(entry(1, 1), entry(2, 2)));
            Raft r = newRaft(1, 10, 1, s);
            r.becomeFollower(2, 2);
            r.step(msg(MessageType.MsgApp, 2, 1).setTerm(2).setLogTerm(c.term()).setIndex(c.index())
                    .addAllEntries(c.entries()).build());
            assertEquals(c.wantLog(), allEntries(r), "case " + i);
            assertEquals(c.wantUnstable(), r.log.unstableEntries(), "case " + i);
        }
    }

    /** §5.3, Figure 7: a new leader brings every kind of divergent follower log in line with its own. */
    @Test
    void leaderSyncsDivergentFollowerLogs() {
        List<Entry> leaderLog = entriesWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
        long term = 8;
        List<List<Entry>> followers = List.of(
                entriesWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6),           // (a) missing an entry
                entriesWithTerms(1, 1, 1, 4),                          // (b) missing many
                entriesWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6),     // (c) an extra uncommitted entry
                entriesWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7),  // (d) extra entries of a later term
                entriesWithTerms(1, 1, 1, 4, 4, 4, 4),                 // (e) extra entries of term 4
                entriesWithTerms(1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3));    // (f) entries of terms 2 and 3
        for (int i = 0; i < followers.size(); i++) {
            MemoryRaftStorage ls = storageWith(ids(1, 2, 3), new long[0]);
            ls.append(leaderLog);
            ls.setHardState(hardState(term, 0, leaderLog.size()));
            Raft lead = newRaft(1, 10, 1, ls);
            MemoryRaftStorage fs = storageWith(ids(1, 2, 3), new long[0]);
            fs.append(followers.get(i));
            fs.setHardState(hardState(term - 1, 0, 0));
            Raft follower = newRaft(2, 10, 1, fs);
            // Three members: the follower may hold a more up-to-date log, so the third's vote decides.
            Network n = Network.of(lead, follower, null);
            n.send(hup(1));
            n.send(msg(MessageType.MsgVoteResp, 3, 1).setTerm(term + 1).build());
            assertEquals(RaftRole.LEADER, lead.role, "follower (" + (char) ('a' + i) + ")");
            n.send(prop(1, ""));
            assertEquals(allEntries(lead), allEntries(follower), "follower (" + (char) ('a' + i) + ")");
        }
    }

    // ---- §5.4

    /** §5.4.1: a vote request carries the candidate's last index and term and goes to every other server. */
    @Test
    void voteRequestsCarryTheCandidatesLastEntry() {
        record Case(List<Entry> entries, long wantTerm) {
        }
        for (Case c : List.of(new Case(List.of(entry(1, 1)), 2), new Case(List.of(entry(1, 1), entry(2, 2)), 3))) {
            Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
            r.step(msg(MessageType.MsgApp, 2, 1).setTerm(c.wantTerm() - 1).addAllEntries(c.entries()).build());
            readMessages(r);
            for (int i = 1; i < 2 * 10; i++) {
                r.tick();
            }
            List<Message> msgs = sorted(readMessages(r));
            assertEquals(2, msgs.size());
            Entry last = c.entries().get(c.entries().size() - 1);
            for (int i = 0; i < 2; i++) {
                Message m = msgs.get(i);
                assertEquals(MessageType.MsgVote, m.getType());
                assertEquals(i + 2, m.getTo());
                assertEquals(c.wantTerm(), m.getTerm());
                assertEquals(last.getIndex(), m.getIndex());
                assertEquals(last.getTerm(), m.getLogTerm());
            }
        }
    }

    /** §5.4.1: a voter denies its vote when its own log is more up to date than the candidate's. */
    @Test
    void voterDeniesCandidatesWithStalerLogs() {
        record Case(List<Entry> log, long logTerm, long index, boolean reject) {
        }
        List<Case> cases = List.of(
                new Case(List.of(entry(1, 1)), 1, 1, false),
                new Case(List.of(entry(1, 1)), 1, 2, false),
                new Case(List.of(entry(1, 1), entry(2, 1)), 1, 1, true),
                new Case(List.of(entry(1, 1)), 2, 1, false),
                new Case(List.of(entry(1, 1)), 2, 2, false),
                new Case(List.of(entry(1, 1), entry(2, 1)), 2, 1, false),
                new Case(List.of(entry(1, 2)), 1, 1, true),
                new Case(List.of(entry(1, 2)), 1, 2, true),
                new Case(List.of(entry(1, 2), entry(2, 1)), 1, 1, true));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            MemoryRaftStorage s = storageWith(ids(1, 2), new long[0]);
            s.append(c.log());
            Raft r = newRaft(1, 10, 1, s);
            r.step(msg(MessageType.MsgVote, 2, 1).setTerm(3).setLogTerm(c.logTerm()).setIndex(c.index()).build());
            List<Message> msgs = readMessages(r);
            assertEquals(1, msgs.size(), "case " + i);
            assertEquals(MessageType.MsgVoteResp, msgs.get(0).getType(), "case " + i);
            assertEquals(c.reject(), msgs.get(0).getReject(), "case " + i);
        }
    }

    /** §5.4.2: a leader commits by counting replicas only entries of its own term. */
    @Test
    void leaderCountsReplicasOnlyForEntriesOfItsTerm() {
        long[][] cases = {{1, 0}, {2, 0}, {3, 3}};  // acknowledged index, want commit
        for (long[] c : cases) {
            MemoryRaftStorage s = storageWith(ids(1, 2), new long[0]);
            s.append(List.of(entry(1, 1), entry(2, 2)));
            s.setHardState(hardState(2, 0, 0));
            Raft r = newRaft(1, 10, 1, s);
            becomeLeader(r);  // term 3, no-op at index 3
            readMessages(r);
            r.step(prop(1, ""));
            r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(r.term).setIndex(c[0]).build());
            assertEquals(c[1], r.log.committed, "acknowledged " + c[0]);
        }
    }

    /** §5.4.2 (Figure 8): an old-term entry on a majority is not committed until an entry of the current term is. */
    @Test
    void figureEightOldTermEntryOnAMajorityIsNotCommitted() {
        MemoryRaftStorage s = storageWith(ids(1, 2, 3), new long[0]);
        s.append(List.of(entry(1, 1), entry(2, 2)));
        s.setHardState(hardState(3, 0, 1));
        Raft r = newRaft(1, 10, 1, s);
        becomeLeader(r);  // term 4, no-op at 3
        readMessages(r);
        // Follower 2 reports holding index 2 (term 2) only: leader + 2 is a majority for index 2.
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(4).setIndex(2).build());
        assertEquals(1, r.log.committed);
        r.step(msg(MessageType.MsgAppResp, 2, 1).setTerm(4).setIndex(3).build());
        assertEquals(3, r.log.committed, "the term-4 entry commits, and with it index 2");
    }

    /** §5.5: requests are idempotent: a duplicated append changes nothing and is answered alike. */
    @Test
    void duplicatedAppendIsHarmless() {
        Raft r = newRaft(1, ids(1, 2, 3), 10, 1);
        Message app = msg(MessageType.MsgApp, 2, 1).setTerm(1).addEntries(entry(1, 1, "a")).addEntries(entry(2, 1, "b"))
                .setCommit(1).build();
        r.step(app);
        assertEquals(2, readMessages(r).get(0).getIndex());
        r.step(app);
        // Its previous index is below our commit index now: answered with the commit index, which
        // tells the leader nothing false, and the log is untouched.
        List<Message> again = readMessages(r);
        assertEquals(1, again.size());
        assertFalse(again.get(0).getReject());
        assertEquals(1, again.get(0).getIndex());
        assertEquals(List.of(entry(1, 1, "a"), entry(2, 1, "b")), allEntries(r));
        // A stale, shorter copy of an older append must not truncate what followed it.
        r.step(msg(MessageType.MsgApp, 2, 1).setTerm(1).addEntries(entry(1, 1, "a")).build());
        assertEquals(2, r.log.lastIndex());
        assertEquals(ByteString.copyFromUtf8("b"), allEntries(r).get(1).getData());
    }
}
