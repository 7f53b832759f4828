package io.etcdj.raft.tracker;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The per-follower progress state machine. */
class ProgressTest {

    @Test
    void probeWalksBackOnlyOnTheCurrentProbe() {
        Progress pr = new Progress(10, 4, false);
        assertFalse(pr.maybeDecrTo(5, 3), "an answer to an older probe");
        assertEquals(10, pr.next());
        assertTrue(pr.maybeDecrTo(9, 3), "the follower holds at most 3");
        assertEquals(4, pr.next());
        assertTrue(pr.maybeDecrTo(3, 100), "a hint beyond the rejected index does not move next up");
        assertEquals(3, pr.next());
        pr = new Progress(2, 4, false);
        assertTrue(pr.maybeDecrTo(1, 0));
        assertEquals(1, pr.next(), "never below 1");
    }

    @Test
    void replicateRejectionsFallBackToMatch() {
        Progress pr = new Progress(5, 4, false);
        pr.maybeUpdate(5);
        pr.becomeReplicate();
        pr.optimisticUpdate(9);
        assertFalse(pr.maybeDecrTo(4, 0), "stale: 4 is known to match");
        assertTrue(pr.maybeDecrTo(7, 0));
        assertEquals(6, pr.next());
    }

    @Test
    void updatesOnlyMoveForward() {
        Progress pr = new Progress(1, 4, false);
        pr.setProbeSent(true);
        assertTrue(pr.maybeUpdate(3));
        assertFalse(pr.probeSent(), "an acknowledgment answers the probe");
        assertEquals(4, pr.next());
        assertFalse(pr.maybeUpdate(2));
        assertEquals(3, pr.match());
    }

    @Test
    void pausedDependsOnTheState() {
        Progress pr = new Progress(1, 1, false);
        assertFalse(pr.isPaused());
        pr.setProbeSent(true);
        assertTrue(pr.isPaused());
        pr.becomeReplicate();
        assertFalse(pr.isPaused());
        pr.inflights().add(1);
        assertTrue(pr.isPaused());
        pr.becomeSnapshot(10);
        assertTrue(pr.isPaused());
        assertEquals(0, pr.inflights().count());
        pr.becomeProbe();
        assertEquals(11, pr.next(), "after a snapshot, probe from just after it");
    }
}
