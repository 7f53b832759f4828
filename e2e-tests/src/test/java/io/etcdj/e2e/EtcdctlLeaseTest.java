package io.etcdj.e2e;

import static io.etcdj.e2e.Json.arr;
import static io.etcdj.e2e.Json.asObject;
import static io.etcdj.e2e.Json.base64;
import static io.etcdj.e2e.Json.lng;
import static io.etcdj.e2e.Json.obj;
import static io.etcdj.e2e.Json.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code etcdctl lease ...} and {@code put --lease} with etcd 3.4.23's exact outputs. Lease IDs are chosen
 * by the server, so they are matched as 16 hex digits and then used verbatim in the expected lines.
 *
 * <p>Facts this pins: the minimum TTL is 2 s (etcd's {@code ceil(1.5 * election timeout)} with the default
 * 100 ms heartbeat and 1 s election timeout), a TTL of 0 or 1 is raised to it, 9,000,000,000 s is the
 * largest TTL; {@code timetolive}'s remaining time is truncated to whole seconds (59 right after a grant of
 * 60); an unknown lease is "already expired" with exit status 0; an expired lease deletes its keys in one
 * revision, which watches report as DELETE events.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class EtcdctlLeaseTest {

    static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\((\\d+)s\\)");
    private static final String NOT_FOUND = "etcdserver: requested lease not found";
    private static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Etcdctl ctl;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("lease", variant);
        ctl = server.etcdctl();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void grantPrintsTheIdInHexAndTheTtl() {
        String out = ctl.ok("lease", "grant", "60");
        Matcher m = GRANTED.matcher(out.strip());
        assertTrue(m.matches(), out);
        assertEquals("60", m.group(2));
        assertTrue(Long.parseUnsignedLong(m.group(1), 16) > 0, "lease IDs are positive int64s");
        assertTrue(out.endsWith(")\n"));

        Map<String, Object> json = Json.object(ctl.ok("lease", "grant", "30", "-w", "json"));
        assertEquals(List.of("cluster_id", "member_id", "revision", "raft_term", "ID", "TTL", "Error"),
                List.copyOf(json.keySet()));
        assertEquals(30, lng(json, "TTL"));
        assertEquals("", str(json, "Error"));
        assertTrue(lng(json, "ID") > 0);
        assertEquals(ctl.revision(), lng(json, "revision"), "granting a lease does not advance the revision");
        assertNotEquals(m.group(1), hex(lng(json, "ID")), "every grant has an ID of its own");
    }

    @Test
    void ttlBelowTheMinimumIsRaisedToTwoSecondsAndTheMaximumIsNineBillion() {
        assertEquals("2", grantedTtl(ctl.ok("lease", "grant", "1")));
        assertEquals("2", grantedTtl(ctl.ok("lease", "grant", "0")));
        assertEquals("2", grantedTtl(ctl.ok("lease", "grant", "2")));
        assertEquals("3", grantedTtl(ctl.ok("lease", "grant", "3")));
        assertEquals("9000000000", grantedTtl(ctl.ok("lease", "grant", "9000000000")));

        Etcdctl.Result tooLarge = ctl.run("lease", "grant", "9000000001");
        assertEquals(1, tooLarge.exitCode(), tooLarge::toString);
        assertEquals("", tooLarge.stdout());
        assertEquals("Error: failed to grant lease (etcdserver: too large lease TTL)", tooLarge.errorLine());
    }

    @Test
    void timeToLiveShowsGrantedAndRemainingTtlAndTheAttachedKeys() {
        String id = grant(60);
        assertEquals("OK\n", ctl.ok("put", "ttl/a", "1", "--lease=" + id));
        // The remaining time is truncated to whole seconds: 59 right after the grant (58 on a slow machine).
        String remaining = "remaining\\(5[89]s\\)";
        assertMatches("lease " + id + " granted with TTL\\(60s\\), " + remaining, ctl.ok("lease", "timetolive", id));
        assertMatches("lease " + id + " granted with TTL\\(60s\\), " + remaining + ", attached keys\\(\\[ttl/a\\]\\)",
                ctl.ok("lease", "timetolive", id, "--keys"));
        ctl.ok("put", "ttl/b", "2", "--lease=" + id);
        // etcd 3.4 lists the attached keys in no particular order (a Go map).
        assertMatches("lease " + id + " granted with TTL\\(60s\\), " + remaining
                + ", attached keys\\(\\[(ttl/a ttl/b|ttl/b ttl/a)\\]\\)", ctl.ok("lease", "timetolive", id, "--keys"));

        Map<String, Object> json = Json.object(ctl.ok("lease", "timetolive", id, "--keys", "-w", "json"));
        assertEquals(List.of("cluster_id", "member_id", "revision", "raft_term", "id", "ttl", "granted-ttl", "keys"),
                List.copyOf(json.keySet()));
        assertEquals(Long.parseLong(id, 16), lng(json, "id"));
        assertTrue(lng(json, "ttl") == 59 || lng(json, "ttl") == 58, json::toString);
        assertEquals(60, lng(json, "granted-ttl"));
        assertEquals(Set.of("ttl/a", "ttl/b"), Set.copyOf(arr(json, "keys").stream()
                .map(k -> new String(Base64.getDecoder().decode((String) k))).toList()));
        Map<String, Object> withoutKeys = Json.object(ctl.ok("lease", "timetolive", id, "-w", "json"));
        assertTrue(withoutKeys.containsKey("keys") && withoutKeys.get("keys") == null, "keys:null without --keys");

        ctl.ok("put", "ttl/a", "no lease now");
        assertMatches("lease " + id + " granted with TTL\\(60s\\), " + remaining + ", attached keys\\(\\[ttl/b\\]\\)",
                ctl.ok("lease", "timetolive", id, "--keys")); // a put without --lease detaches the key
    }

    @Test
    void unknownLeasesAreAlreadyExpiredOrNotFound() {
        assertEquals("lease 0000000000001234 already expired\n", ctl.ok("lease", "timetolive", "1234"));
        Map<String, Object> json = Json.object(ctl.ok("lease", "timetolive", "1234", "-w", "json"));
        assertEquals(0x1234, lng(json, "id"));
        assertEquals(-1, lng(json, "ttl"));
        assertEquals(0, lng(json, "granted-ttl"));

        Etcdctl.Result put = ctl.run("put", "nolease/k", "v", "--lease=1234");
        assertEquals(1, put.exitCode(), put::toString);
        assertEquals("Error: " + NOT_FOUND, put.errorLine());
        assertEquals("", ctl.ok("get", "nolease/k"), "nothing is written");

        Etcdctl.Result revoke = ctl.run("lease", "revoke", "1234");
        assertEquals(1, revoke.exitCode(), revoke::toString);
        assertEquals("Error: failed to revoke lease (" + NOT_FOUND + ")", revoke.errorLine());

        Etcdctl.Result keepAlive = ctl.run("lease", "keep-alive", "--once", "1234");
        assertEquals(2, keepAlive.exitCode(), keepAlive::toString);
        assertEquals("", keepAlive.stdout());
        assertEquals("Error: " + NOT_FOUND, keepAlive.errorLine());

        String txn = "\nput nolease/t v --lease=1234\n\n\n";
        Etcdctl.Result inTxn = ctl.runWithInput(txn, "txn");
        assertEquals(1, inTxn.exitCode(), inTxn::toString);
        assertEquals("Error: " + NOT_FOUND, inTxn.errorLine());
    }

    @Test
    void listShowsEveryLeaseSoonestExpiryFirst() {
        String longer = grant(600);
        String shorter = grant(300);
        String list = ctl.ok("lease", "list");
        List<String> lines = List.of(list.split("\n"));
        assertTrue(lines.get(0).matches("found \\d+ leases"), list);
        assertEquals(Integer.parseInt(lines.get(0).split(" ")[1]), lines.size() - 1, list);
        assertTrue(lines.indexOf(shorter) > 0 && lines.indexOf(shorter) < lines.indexOf(longer), list);

        Map<String, Object> json = Json.object(ctl.ok("lease", "list", "-w", "json"));
        assertEquals(List.of("cluster_id", "member_id", "revision", "raft_term", "leases"), List.copyOf(json.keySet()));
        List<String> ids = arr(json, "leases").stream().map(l -> hex(lng(asObject(l), "id"))).toList();
        assertEquals(lines.subList(1, lines.size()), ids);
        assertEquals(List.of("id"), List.copyOf(asObject(arr(json, "leases").get(0)).keySet()));

        ctl.ok("lease", "revoke", longer);
        ctl.ok("lease", "revoke", shorter);
        String after = ctl.ok("lease", "list");
        assertTrue(!after.contains(longer) && !after.contains(shorter), after);
    }

    @Test
    void revokeDeletesTheAttachedKeysInOneRevision() {
        String id = grant(60);
        ctl.ok("put", "rvk/a", "1", "--lease=" + id);
        ctl.ok("put", "rvk/b", "2");
        ctl.ok("put", "rvk/b", "3", "--lease=" + id);
        ctl.ok("put", "rvk/c", "not leased");
        long from = ctl.revision() + 1;
        try (RunningEtcdctl watch = ctl.start(LIFETIME, "watch", "rvk/", "--prefix", "-w", "json", "--rev=" + from)) {
            assertEquals("lease " + id + " revoked\n", ctl.ok("lease", "revoke", id));
            assertEquals(List.of("rvk/c", "not leased"), ctl.run("get", "rvk/", "--prefix").lines());
            long revoked = ctl.revision();

            Map<String, Object> deletes = Json.object(watch.awaitLines(1, WAIT).get(0));
            List<Object> events = arr(deletes, "Events");
            assertEquals(2, events.size(), "both keys go in one response: " + deletes);
            for (Object e : events) {
                assertEquals(1, lng(asObject(e), "type"));
                assertEquals(revoked, lng(obj(asObject(e), "kv"), "mod_revision"), "one revision for the revocation");
            }
            assertEquals(Set.of("rvk/a", "rvk/b"),
                    Set.of(base64(obj(asObject(events.get(0)), "kv"), "key"), base64(obj(asObject(events.get(1)), "kv"), "key")));
        }
        Etcdctl.Result again = ctl.run("lease", "revoke", id);
        assertEquals(1, again.exitCode(), again::toString);
        assertEquals("Error: failed to revoke lease (" + NOT_FOUND + ")", again.errorLine());
        assertEquals("lease " + id + " already expired\n", ctl.ok("lease", "timetolive", id));
    }

    @Test
    void keepAliveOncePrintsTheGrantedTtl() {
        String id = grant(60);
        assertEquals("lease " + id + " keepalived with TTL(60)\n", ctl.ok("lease", "keep-alive", "--once", id));
        Map<String, Object> json = Json.object(ctl.ok("lease", "keep-alive", "--once", id, "-w", "json"));
        assertEquals(List.of("cluster_id", "member_id", "revision", "raft_term", "ID", "TTL"), List.copyOf(json.keySet()));
        assertEquals(Long.parseLong(id, 16), lng(json, "ID"));
        assertEquals(60, lng(json, "TTL"));
        ctl.ok("lease", "revoke", id);
    }

    @Test
    void keepAliveKeepsAShortLeaseAliveUntilItIsRevoked() {
        String id = grant(3);
        ctl.ok("put", "ka/k", "v", "--lease=" + id);
        Instant granted = Instant.now();
        try (RunningEtcdctl keepAlive = ctl.start(LIFETIME, "lease", "keep-alive", id)) {
            String line = "lease " + id + " keepalived with TTL(3)";
            // etcdctl renews every TTL/3 = 1 s; waiting for several renewals outlasts the 3 s TTL.
            keepAlive.awaitOutput(l -> l.size() >= 5 && Duration.between(granted, Instant.now()).toSeconds() > 4,
                    WAIT, "renewals for more than the TTL");
            assertTrue(keepAlive.lines().stream().allMatch(line::equals), keepAlive::toString);
            assertEquals("ka/k\nv\n", ctl.ok("get", "ka/k"), "a renewed lease keeps its key");

            ctl.ok("lease", "revoke", id);
            assertEquals(0, keepAlive.awaitExit(WAIT), keepAlive::toString);
            List<String> lines = keepAlive.lines();
            assertEquals("lease " + id + " expired or revoked.", lines.get(lines.size() - 1));
        }
        assertEquals("", ctl.ok("get", "ka/k"));
    }

    @Test
    void anExpiredLeaseDeletesItsKeyAndWatchersSeeTheDelete() {
        String id = grant(2);
        long put = ctl.put("exp/k", "v");
        ctl.ok("put", "exp/k", "leased", "--lease=" + id);
        try (RunningEtcdctl watch = ctl.start(LIFETIME, "watch", "exp/k", "--rev=" + (put + 1))) {
            assertEquals(List.of("PUT", "exp/k", "leased", "DELETE", "exp/k", ""), watch.awaitLines(6, WAIT),
                    watch::toString);
        }
        assertEquals("", ctl.ok("get", "exp/k"));
        // The expired lease is gone (revoked by the server), not merely past its time.
        Instant deadline = Instant.now().plus(WAIT);
        String ttl = ctl.ok("lease", "timetolive", id);
        while (!ttl.equals("lease " + id + " already expired\n") && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(100));
            ttl = ctl.ok("lease", "timetolive", id);
        }
        assertEquals("lease " + id + " already expired\n", ttl);
    }

    /** Grants a lease and returns its ID as etcdctl prints it (16 hex digits). */
    static String grant(Etcdctl ctl, int ttl) {
        Matcher m = GRANTED.matcher(ctl.ok("lease", "grant", String.valueOf(ttl)).strip());
        assertTrue(m.matches());
        return m.group(1);
    }

    private static String grant(int ttl) {
        return grant(ctl, ttl);
    }

    private static String grantedTtl(String grantOutput) {
        Matcher m = GRANTED.matcher(grantOutput.strip());
        assertTrue(m.matches(), grantOutput);
        return m.group(2);
    }

    private static void assertMatches(String regex, String output) {
        assertTrue(output.endsWith("\n") && output.strip().matches(regex), () -> "expected " + regex + ", got " + output);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String hex(long id) {
        return String.format("%016x", id);
    }
}
