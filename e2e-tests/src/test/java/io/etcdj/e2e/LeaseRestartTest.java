package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leases survive a SIGKILL of the server, and etcd 3.4 (without {@code --experimental-enable-lease-checkpoint})
 * restarts their countdown: after a restart a lease's remaining time is its full granted TTL again (plus the
 * one-second election timeout etcd adds when its member becomes leader), whatever was left before the kill.
 * The attached keys are deleted when the restarted countdown runs out; a lease revoked before the kill stays
 * revoked.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class LeaseRestartTest {

    private static final int TTL = 8;
    private static final Pattern REMAINING = Pattern.compile(
            "lease ([0-9a-f]{16}) granted with TTL\\(" + TTL + "s\\), remaining\\((-?\\d+)s\\)(, attached keys\\(.*\\))?");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Parameter
    ServerVariant variant;

    private EtcdProcess server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void leasesSurviveSigkillWithTheirTtlRestartedAndThenExpire() {
        server = EtcdProcess.start("lease-restart", variant);
        Etcdctl ctl = server.etcdctl();
        String id = EtcdctlLeaseTest.grant(ctl, TTL);
        ctl.ok("put", "restart/leased", "v", "--lease=" + id);
        ctl.ok("put", "restart/plain", "v");
        String revoked = EtcdctlLeaseTest.grant(ctl, 60);
        ctl.ok("put", "restart/revoked", "v", "--lease=" + revoked);
        ctl.ok("lease", "revoke", revoked);

        // Let half of the TTL pass, so that a countdown that went on would leave at most TTL/2 after the restart.
        Instant deadline = Instant.now().plus(WAIT);
        while (remaining(ctl, id) > TTL / 2) {
            assertTrue(Instant.now().isBefore(deadline), "the lease's remaining time does not decrease");
            sleep(Duration.ofMillis(200));
        }
        server.kill9();
        server.startAgain();

        String afterRestart = ctl.ok("lease", "timetolive", id, "--keys");
        assertTrue(afterRestart.strip().endsWith(", attached keys([restart/leased])"), afterRestart);
        long remaining = remaining(ctl, id);
        assertTrue(remaining > TTL / 2 + 1 && remaining <= TTL + 1,
                "etcd 3.4 restarts the TTL of every lease on restart; remaining after restart: " + afterRestart);
        assertEquals("restart/leased\nv\n", ctl.ok("get", "restart/leased"));
        assertEquals("found 1 leases\n" + id + "\n", ctl.ok("lease", "list"));
        assertEquals("lease " + revoked + " already expired\n", ctl.ok("lease", "timetolive", revoked),
                "a revoked lease stays revoked");
        assertEquals("", ctl.ok("get", "restart/revoked"));

        deadline = Instant.now().plus(WAIT);
        while (!ctl.ok("get", "restart/leased").isEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "the leased key outlived its restarted lease");
            sleep(Duration.ofMillis(200));
        }
        assertEquals("lease " + id + " already expired\n", awaitExpired(ctl, id));
        assertEquals("restart/plain\nv\n", ctl.ok("get", "restart/plain"), "keys without a lease stay");
        assertEquals("found 0 leases\n", ctl.ok("lease", "list"));
    }

    private static long remaining(Etcdctl ctl, String id) {
        String out = ctl.ok("lease", "timetolive", id).strip();
        Matcher m = REMAINING.matcher(out);
        assertTrue(m.matches() && m.group(1).equals(id), out);
        return Long.parseLong(m.group(2));
    }

    /** The revocation of an expired lease goes through consensus, so timetolive may lag its expiry briefly. */
    private static String awaitExpired(Etcdctl ctl, String id) {
        Instant deadline = Instant.now().plus(WAIT);
        String out = ctl.ok("lease", "timetolive", id);
        while (!out.contains("already expired") && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(200));
            out = ctl.ok("lease", "timetolive", id);
        }
        return out;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
