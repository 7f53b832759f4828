package io.etcdj.e2e;

import static io.etcdj.e2e.Json.arr;
import static io.etcdj.e2e.Json.asObject;
import static io.etcdj.e2e.Json.integer;
import static io.etcdj.e2e.Json.lng;
import static io.etcdj.e2e.Json.obj;
import static io.etcdj.e2e.Json.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code endpoint status}, {@code endpoint health} and {@code member list} through etcdctl. */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class EtcdctlClusterTest {

    private static final List<String> STATUS_HEADER = List.of("ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER",
            "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS");
    private static final List<String> MEMBER_HEADER = List.of("ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS",
            "IS LEARNER");
    private static final Pattern TABLE_RULE = Pattern.compile("\\+(-+\\+)+");

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Etcdctl ctl;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("members", variant);
        ctl = server.etcdctl();
        ctl.ok("put", "status/k", "v");
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void endpointStatusJson() {
        List<Object> list = Json.arrayOf(ctl.ok("endpoint", "status", "-w", "json"));
        assertEquals(1, list.size());
        Map<String, Object> entry = asObject(list.get(0));
        assertEquals(List.of("Endpoint", "Status"), List.copyOf(entry.keySet()));
        assertEquals(server.endpoint(), str(entry, "Endpoint"));
        Map<String, Object> status = obj(entry, "Status");
        assertEquals(List.of("header", "version", "dbSize", "leader", "raftIndex", "raftTerm", "raftAppliedIndex",
                "dbSizeInUse"), List.copyOf(status.keySet()), "errors and isLearner=false are omitted: " + status);
        Map<String, Object> header = obj(status, "header");
        assertEquals(List.of("cluster_id", "member_id", "revision", "raft_term"), List.copyOf(header.keySet()));
        assertTrue(str(status, "version").startsWith("3.4."), status::toString);
        assertEquals(integer(header, "member_id"), integer(status, "leader"), "a single member leads itself");
        assertTrue(lng(status, "raftIndex") > 0);
        assertTrue(lng(status, "raftTerm") >= 1);
        assertEquals(lng(status, "raftTerm"), lng(header, "raft_term"));
        assertTrue(lng(status, "raftAppliedIndex") > 0);
        assertTrue(lng(status, "dbSize") > 0);
        assertTrue(lng(status, "dbSizeInUse") > 0);
        assertTrue(lng(header, "revision") >= 2, "the put made at start-up is revision 2 or later");
        assertEquals(memberIdHex(), integer(header, "member_id").toString(16));
    }

    @Test
    void endpointStatusSimpleAndTable() {
        String id = memberIdHex();
        String plain = ctl.ok("endpoint", "status");
        Pattern line = Pattern.compile(Pattern.quote(server.endpoint() + ", " + id + ", ")
                + "3\\.4\\.\\d+, \\d+(\\.\\d+)? [kMG]?B, true, false, [1-9]\\d*, [1-9]\\d*, [1-9]\\d*, \n");
        assertTrue(line.matcher(plain).matches(), plain);

        List<String> table = ctl.run("endpoint", "status", "-w", "table").lines();
        assertEquals(5, table.size(), table::toString);
        for (int i : new int[] {0, 2, 4}) {
            assertTrue(TABLE_RULE.matcher(table.get(i)).matches(), table.get(i));
        }
        assertEquals(STATUS_HEADER, cells(table.get(1)));
        List<String> row = cells(table.get(3));
        assertEquals(List.of(server.endpoint(), id, "true", "false"),
                List.of(row.get(0), row.get(1), row.get(4), row.get(5)));
        assertTrue(row.get(2).startsWith("3.4."), row::toString);
        assertEquals("", row.get(9), "no errors");
    }

    @Test
    void memberList() {
        String id = memberIdHex();
        assertEquals(id + ", started, members, " + server.peerUrl() + ", " + server.clientUrl() + ", false\n",
                ctl.ok("member", "list"));

        List<String> table = ctl.run("member", "list", "-w", "table").lines();
        assertEquals(5, table.size(), table::toString);
        assertEquals(MEMBER_HEADER, cells(table.get(1)));
        assertEquals(List.of(id, "started", "members", server.peerUrl(), server.clientUrl(), "false"),
                cells(table.get(3)));

        Map<String, Object> doc = Json.object(ctl.ok("member", "list", "-w", "json"));
        assertEquals(List.of("cluster_id", "member_id", "raft_term"), List.copyOf(obj(doc, "header").keySet()),
                "member list headers carry no revision");
        Map<String, Object> member = asObject(arr(doc, "members").get(0));
        assertEquals(List.of("ID", "name", "peerURLs", "clientURLs"), List.copyOf(member.keySet()),
                "isLearner=false is omitted");
        assertEquals(new BigInteger(id, 16), integer(member, "ID"));
        assertEquals("members", str(member, "name"));
        assertEquals(List.of(server.peerUrl()), arr(member, "peerURLs"));
        assertEquals(List.of(server.clientUrl()), arr(member, "clientURLs"));
        assertEquals(integer(obj(doc, "header"), "member_id"), integer(member, "ID"));
    }

    @Test
    void endpointHealth() {
        Etcdctl.Result health = ctl.run("endpoint", "health");
        assertEquals(0, health.exitCode(), health::toString);
        assertTrue(health.stderr().startsWith(server.endpoint() + " is healthy: successfully committed proposal: took = "),
                "etcdctl 3.4 prints the health line on standard error: " + health);
        Map<String, Object> entry = asObject(Json.arrayOf(ctl.ok("endpoint", "health", "-w", "json")).get(0));
        assertEquals(server.endpoint(), str(entry, "endpoint"));
        assertTrue(Json.bool(entry, "health"));
    }

    /** The member id as etcdctl prints it (lower-case hex without leading zeros), from the member list. */
    private static String memberIdHex() {
        return ctl.ok("member", "list").split(",")[0];
    }

    /** The trimmed cells of a table row {@code | a | b |}. */
    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }
}
