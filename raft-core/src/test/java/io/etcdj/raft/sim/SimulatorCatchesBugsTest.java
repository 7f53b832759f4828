package io.etcdj.raft.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator must be able to fail: against deliberately broken variants of the core (switches in
 * io.etcdj.raft.InjectedBug) and of the driver, it reports the property they break within a few
 * seeds.
 */
class SimulatorCatchesBugsTest {
    private static final int MAX_SEEDS = 200;

    private static SafetyViolation firstViolation(String coreBug, SimNode.DriverBug driverBug) {
        for (long seed = 1; seed <= MAX_SEEDS; seed++) {
            try {
                Simulation.run(seed, new Simulation.Options(seed % 2 == 0 ? 3 : 5, coreBug, driverBug));
            } catch (SafetyViolation v) {
                System.out.println("simulator caught " + (coreBug != null ? coreBug : driverBug) + ": " + v.getMessage());
                return v;
            }
        }
        return fail("no violation within " + MAX_SEEDS + " seeds");
    }

    @Test
    void votingWithoutTheUpToDateCheckLosesCommittedEntries() {
        SafetyViolation v = firstViolation("VOTE_WITHOUT_LOG_CHECK", SimNode.DriverBug.NONE);
        assertTrue(Set.of(SafetyChecker.LEADER_COMPLETENESS, SafetyChecker.COMMITTED_STABLE).contains(v.property()),
                v.getMessage());
    }

    @Test
    void votingTwiceInATermElectsTwoLeaders() {
        SafetyViolation v = firstViolation("VOTE_TWICE_IN_A_TERM", SimNode.DriverBug.NONE);
        assertEquals(SafetyChecker.ELECTION_SAFETY, v.property(), v.getMessage());
    }

    /** A driver that acknowledges without fsync: a crash loses acknowledged entries. */
    @Test
    void acknowledgingBeforeFsyncIsCaught() {
        SafetyViolation v = firstViolation(null, SimNode.DriverBug.SKIP_FSYNC);
        assertNotNull(v.property());
    }

    @Test
    void aFailingSeedReplaysToTheSameViolation() {
        SafetyViolation first = firstViolation("VOTE_TWICE_IN_A_TERM", SimNode.DriverBug.NONE);
        SafetyViolation again = assertThrows(SafetyViolation.class, () -> Simulation.run(first.seed(),
                new Simulation.Options(first.seed() % 2 == 0 ? 3 : 5, "VOTE_TWICE_IN_A_TERM", SimNode.DriverBug.NONE)));
        assertEquals(first.getMessage(), again.getMessage());
    }
}
