package io.etcdj.server.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemberIdsTest {
    @Test
    void defaultSingleNodeHasEtcdsWellKnownIds() {
        // `etcd` with no flags reports member 8e9e05c52164694d in cluster cdf818194e3a8c32.
        long member = MemberIds.memberId(List.of("http://localhost:2380"), "etcd-cluster", null);
        assertEquals("8e9e05c52164694d", MemberIds.hex(member));
        assertEquals("cdf818194e3a8c32", MemberIds.hex(MemberIds.clusterId(List.of(member))));
    }

    @Test
    void peerUrlOrderDoesNotMatter() {
        assertEquals(MemberIds.memberId(List.of("http://a:1", "http://b:2"), "t", null),
                MemberIds.memberId(List.of("http://b:2", "http://a:1"), "t", null));
    }
}
