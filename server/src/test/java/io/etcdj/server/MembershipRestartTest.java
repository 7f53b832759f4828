package io.etcdj.server;

import static io.etcdj.server.TestMembers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.Member;
import io.etcdj.api.etcdserverpb.MemberListRequest;
import io.etcdj.spi.server.RequestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The member list as published, and as it comes back after a restart. */
class MembershipRestartTest {
    @TempDir
    Path dir;

    @Test
    void publishedNameAndClientUrlsSurviveRestarts() throws Exception {
        TestMembers.Member member = TestMembers.member(dir, "rocks");
        long id;
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            id = server.identity().memberId();
            Member before = only(server);
            assertEquals(id, before.getID());
            // As etcd: the bootstrap entry names the member from --initial-cluster; client URLs come with publish.
            assertEquals("m1", before.getName());
            assertEquals(List.of(member.peerUrl()), before.getPeerURLsList());
            assertEquals(List.of(), before.getClientURLsList());

            await(server.publish("m1", List.of(member.clientUrl(), "http://127.0.0.2:2379")));
            Member published = only(server);
            assertEquals("m1", published.getName());
            assertEquals(List.of(member.clientUrl(), "http://127.0.0.2:2379"), published.getClientURLsList());
            assertEquals(List.of(member.peerUrl()), published.getPeerURLsList());
        }
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            Member restored = only(server);
            assertEquals(id, restored.getID());
            assertEquals("m1", restored.getName());
            assertEquals(List.of(member.clientUrl(), "http://127.0.0.2:2379"), restored.getClientURLsList());
            assertEquals(List.of(member.peerUrl()), restored.getPeerURLsList());
            assertTrue(!restored.getIsLearner());

            // Publishing again (as every start does) replaces the attributes.
            await(server.publish("m1", List.of(member.clientUrl())));
        }
        try (EtcdServer server = Bootstrap.start(member.config()).server()) {
            assertEquals(List.of(member.clientUrl()), only(server).getClientURLsList());
        }
    }

    private static Member only(EtcdServer server) {
        var list = await(server.memberList(MemberListRequest.getDefaultInstance(), RequestContext.NONE));
        assertEquals(1, list.getMembersCount(), list.toString());
        assertEquals(server.identity().clusterId(), list.getHeader().getClusterId());
        return list.getMembers(0);
    }
}
