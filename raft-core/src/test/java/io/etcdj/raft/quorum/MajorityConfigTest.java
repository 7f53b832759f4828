package io.etcdj.raft.quorum;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The quorum arithmetic, checked against a naive definition with random inputs. */
class MajorityConfigTest {

    /** Naive: the largest index such that a majority acknowledged at least it. */
    private static long naiveCommitted(List<Long> voters, Map<Long, Long> acked) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long best = 0;
        for (long candidate : acked.values()) {
            int holders = 0;
            for (long v : voters) {
                if (acked.getOrDefault(v, 0L) >= candidate) {
                    holders++;
                }
            }
            if (holders > voters.size() / 2) {
                best = Math.max(best, candidate);
            }
        }
        return best;
    }

    private static VoteResult naiveVote(List<Long> voters, Map<Long, Boolean> votes) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int yes = 0;
        int no = 0;
        for (long v : voters) {
            Boolean b = votes.get(v);
            if (b != null && b) {
                yes++;
            } else if (b != null) {
                no++;
            }
        }
        int majority = voters.size() / 2 + 1;
        if (yes >= majority) {
            return VoteResult.WON;
        }
        return voters.size() - no >= majority ? VoteResult.PENDING : VoteResult.LOST;
    }

    @Test
    void committedIndexMatchesTheNaiveDefinition() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 20_000; round++) {
            int n = random.nextInt(8);
            List<Long> voters = new ArrayList<>();
            Map<Long, Long> acked = new HashMap<>();
            for (long id = 1; id <= n; id++) {
                voters.add(id);
                if (random.nextInt(4) != 0) {
                    acked.put(id, (long) random.nextInt(10));
                }
            }
            // Non-voters' acknowledgments must not count.
            acked.put(99L, 1000L);
            MajorityConfig c = MajorityConfig.of(voters);
            assertEquals(naiveCommitted(voters, acked), c.committedIndex(id -> acked.getOrDefault(id, 0L)),
                    "voters " + voters + " acked " + acked);
        }
    }

    @Test
    void voteResultMatchesTheNaiveDefinition() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 20_000; round++) {
            int n = random.nextInt(8);
            List<Long> voters = new ArrayList<>();
            Map<Long, Boolean> votes = new HashMap<>();
            for (long id = 1; id <= n; id++) {
                voters.add(id);
                int r = random.nextInt(3);
                if (r < 2) {
                    votes.put(id, r == 0);
                }
            }
            votes.put(99L, true);
            assertEquals(naiveVote(voters, votes), MajorityConfig.of(voters).voteResult(votes),
                    "voters " + voters + " votes " + votes);
        }
    }

    @Test
    void examples() {
        MajorityConfig three = MajorityConfig.of(1, 2, 3);
        assertEquals(2, three.quorum());
        assertEquals(5, three.committedIndex(id -> id == 1 ? 9 : id == 2 ? 5 : 2));
        assertEquals(VoteResult.PENDING, three.voteResult(Map.of(1L, true)));
        assertEquals(VoteResult.WON, three.voteResult(Map.of(1L, true, 3L, true)));
        assertEquals(VoteResult.LOST, three.voteResult(Map.of(2L, false, 3L, false)));
        assertEquals(MajorityConfig.of(1, 2, 3, 4), three.with(4));
        assertEquals(MajorityConfig.of(1, 3), three.without(2));
        assertSame(three, three.with(2));
        assertEquals("(1 2 3)", three.toString());
    }
}
