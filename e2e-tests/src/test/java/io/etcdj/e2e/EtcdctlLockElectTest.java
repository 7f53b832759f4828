package io.etcdj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code etcdctl lock} and {@code etcdctl elect}. Both are client-side recipes (clientv3's concurrency
 * package: a session lease, a key {@code <name>/<lease ID in hex>} created under it, and watches on the
 * key created just before), so they exercise leases, transactions and watches together.
 *
 * <p>etcdctl prints the lock key and its (empty) value once it holds the lock, and the leader's key and
 * proposal once elected; an observer prints every new leader. SIGTERM makes etcdctl unlock or resign and
 * exit 0; SIGKILL leaves the key until the session lease expires.
 */
@ParameterizedClass
@MethodSource("io.etcdj.e2e.ServerUnderTest#variants")
class EtcdctlLockElectTest {

    private static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough to show that a waiter is still waiting; an absence, never a speed. */
    private static final Duration STILL_WAITING = Duration.ofSeconds(1);

    @Parameter
    ServerVariant variant;

    private static EtcdProcess server;
    private static Etcdctl ctl;

    @BeforeParameterizedClassInvocation
    static void startServer(ServerVariant variant) {
        server = EtcdProcess.start("lock", variant);
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
    void aLockIsHeldUntilItsHolderIsTerminatedThenTheNextWaiterGetsIt() {
        try (RunningEtcdctl first = ctl.start(LIFETIME, "lock", "mylock")) {
            List<String> held = first.awaitLines(2, WAIT);
            assertTrue(held.get(0).matches("mylock/[0-9a-f]{1,16}"), first::toString);
            assertEquals("", held.get(1), "the lock key's value is empty");
            assertEquals(held.get(0) + "\n\n", ctl.ok("get", "mylock", "--prefix"));

            try (RunningEtcdctl second = ctl.start(LIFETIME, "lock", "mylock")) {
                second.assertNoMoreLinesAfter(0, STILL_WAITING);
                List<String> keys = ctl.run("get", "mylock", "--prefix", "--keys-only").lines().stream()
                        .filter(line -> !line.isEmpty()).toList();
                assertEquals(2, keys.size(), "the waiter's key exists too: " + keys);
                assertTrue(keys.contains(held.get(0)), keys::toString);
                String waiterKey = keys.get(0).equals(held.get(0)) ? keys.get(1) : keys.get(0);

                assertEquals(0, first.terminate(), first::toString);
                List<String> next = second.awaitLines(2, WAIT);
                assertEquals(List.of(waiterKey, ""), next, "the waiter holds the lock under its own key");
                assertEquals(0, second.terminate(), second::toString);
            }
        }
        assertEquals("", ctl.ok("get", "mylock", "--prefix"), "unlocking deletes the keys");
    }

    @Test
    void aKilledHolderReleasesTheLockWhenItsSessionLeaseExpires() {
        try (RunningEtcdctl first = ctl.start(LIFETIME, "lock", "--ttl=2", "killed")) {
            String key = first.awaitLines(2, WAIT).get(0);
            try (RunningEtcdctl second = ctl.start(LIFETIME, "lock", "killed")) {
                second.assertNoMoreLinesAfter(0, STILL_WAITING);
                first.kill();
                List<String> next = second.awaitLines(2, WAIT);
                assertNotEquals(key, next.get(0));
                assertTrue(next.get(0).startsWith("killed/"), second::toString);
                assertEquals(0, second.terminate());
            }
        }
    }

    @Test
    void execFormRunsTheCommandWhileHoldingTheLock() {
        assertEquals("hi\n", ctl.ok("lock", "mylock", "--", "echo", "hi"), "only the command's output");

        Etcdctl.Result result = ctl.run("lock", "ex", "--", "sh", "-c", "echo \"hi $ETCD_LOCK_KEY $ETCD_LOCK_REV\"");
        assertEquals(0, result.exitCode(), result::toString);
        String line = result.stdout().strip();
        assertTrue(line.matches("hi ex/[0-9a-f]{1,16} \\d+"), "only the command's output, no lock key: " + result);
        long lockRevision = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        assertTrue(lockRevision > 1 && lockRevision <= ctl.revision(), line);
        assertEquals("", ctl.ok("get", "ex", "--prefix"), "the lock is released when the command ends");

        Etcdctl.Result failed = ctl.run("lock", "ex", "--", "false");
        assertEquals(1, failed.exitCode(), failed::toString);
        assertEquals("", failed.stdout());
        assertEquals("Error: exit status 1", failed.errorLine());
        assertEquals("", ctl.ok("get", "ex", "--prefix"), "released after a failed command too");
    }

    @Test
    void electionCampaignObserveAndResign() {
        try (RunningEtcdctl observer = ctl.start(LIFETIME, "elect", "-l", "myelection");
             RunningEtcdctl first = ctl.start(LIFETIME, "elect", "myelection", "proposal-1")) {
            List<String> elected = first.awaitLines(2, WAIT);
            assertTrue(elected.get(0).matches("myelection/[0-9a-f]{1,16}"), first::toString);
            assertEquals("proposal-1", elected.get(1));
            assertEquals(elected, observer.awaitLines(2, WAIT), "the observer prints the leader's key and proposal");

            try (RunningEtcdctl second = ctl.start(LIFETIME, "elect", "myelection", "proposal-2")) {
                second.assertNoMoreLinesAfter(0, STILL_WAITING);
                assertEquals(0, first.terminate(), "SIGTERM resigns: " + first);
                List<String> next = second.awaitLines(2, WAIT);
                assertTrue(next.get(0).matches("myelection/[0-9a-f]{1,16}"));
                assertNotEquals(elected.get(0), next.get(0));
                assertEquals("proposal-2", next.get(1));
                assertEquals(List.of(elected.get(0), "proposal-1", next.get(0), "proposal-2"),
                        observer.awaitLines(4, WAIT));
                assertEquals(0, second.terminate());
            }
            observer.assertNoMoreLinesAfter(4, STILL_WAITING);
            assertEquals("", ctl.ok("get", "myelection", "--prefix"), "nobody campaigns any more");
            assertEquals(0, observer.terminate(), observer::toString);
        }
    }

    @Test
    void aLateObserverSeesTheCurrentLeaderAtOnce() {
        try (RunningEtcdctl leader = ctl.start(LIFETIME, "elect", "late", "here-first")) {
            List<String> elected = leader.awaitLines(2, WAIT);
            try (RunningEtcdctl observer = ctl.start(LIFETIME, "elect", "-l", "late")) {
                assertEquals(elected, observer.awaitLines(2, WAIT));
            }
            assertEquals(0, leader.terminate());
        }
    }
}
