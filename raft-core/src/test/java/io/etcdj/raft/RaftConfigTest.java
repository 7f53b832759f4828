package io.etcdj.raft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The settings and their defaults (etcd's server settings). */
class RaftConfigTest {
    private static final System.Logger LOG = TestLoggers.forNode(1);

    @Test
    void theOriginalConstructorGetsEtcdServerDefaults() {
        RaftConfig c = new RaftConfig(1, new MemoryRaftStorage(), 0, 10, 1, 1024, new SplittableRandom(1), LOG);
        assertTrue(c.preVote());
        assertTrue(c.checkQuorum());
        assertEquals(1024 * 1024, c.maxSizePerMsg());
        assertEquals(256, c.maxInflightMsgs());
        RaftConfig changed = c.withPreVote(false).withCheckQuorum(false).withFlowControl(100, 8);
        assertFalse(changed.preVote());
        assertFalse(changed.checkQuorum());
        assertEquals(100, changed.maxSizePerMsg());
        assertEquals(8, changed.maxInflightMsgs());
        assertEquals(c.id(), changed.id());
    }

    @Test
    void invalidSettingsAreRefused() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        SplittableRandom r = new SplittableRandom(1);
        assertThrows(IllegalArgumentException.class, () -> new RaftConfig(0, s, 0, 10, 1, 1, r, LOG));
        assertThrows(IllegalArgumentException.class, () -> new RaftConfig(1, s, 0, 10, 0, 1, r, LOG));
        assertThrows(IllegalArgumentException.class, () -> new RaftConfig(1, s, 0, 1, 1, 1, r, LOG));
        RaftConfig ok = new RaftConfig(1, s, 0, 10, 1, 1, r, LOG);
        assertThrows(IllegalArgumentException.class, () -> ok.withFlowControl(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ok.withFlowControl(-1, 1));
    }
}
