package io.etcdj.server.concurrency;

import static io.etcdj.server.TestMembers.await;
import static io.etcdj.server.TestMembers.bytes;
import static io.etcdj.server.concurrency.InProcessServer.CTX;
import static io.etcdj.server.concurrency.InProcessServer.eventually;
import static io.etcdj.server.concurrency.InProcessServer.failureOf;
import static io.etcdj.server.concurrency.InProcessServer.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.api.v3lockpb.LockRequest;
import io.etcdj.api.v3lockpb.LockResponse;
import io.etcdj.api.v3lockpb.UnlockRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import io.etcdj.spi.server.StatusCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v3lock service against a real in-process member. */
class LockServiceTest {
    @TempDir
    static Path dir;
    static InProcessServer etcd;
    static LockService locks;

    @BeforeAll
    static void start() throws Exception {
        etcd = new InProcessServer(dir);
        locks = new LockService(etcd.api, etcd.executor);
    }

    @AfterEach
    void everyWatchIsClosed() throws InterruptedException {
        eventually("every watch session the service opened is closed", () -> etcd.openWatches() == 0);
    }

    @AfterAll
    static void stop() {
        locks.close();
        etcd.close();
    }

    private static CompletableFuture<LockResponse> lock(String name, long lease) {
        return locks.lock(LockRequest.newBuilder().setName(bytes(name)).setLease(lease).build(), CTX);
    }

    private static void unlock(LockResponse held) {
        await(locks.unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build(), CTX));
    }

    /** A full lock and unlock of another lock: the server and the service have moved on meanwhile. */
    private static void settle() {
        unlock(await(lock("settle", etcd.grant(60))));
    }

    private static void queuedBehind(String name, long lease) throws InterruptedException {
        eventually(name + "/" + hex(lease) + " queued", () -> etcd.get(bytes(name + "/" + hex(lease))) != null);
    }

    private static void assertEtcdUnknown(String message, EtcdException e) {
        assertEquals(StatusCode.UNKNOWN, e.code(), "etcd's lock service answers code Unknown");
        assertEquals(message, e.getMessage());
    }

    @Test
    void waitersAcquireInQueueOrderEachWhenTheOneBeforeUnlocks() throws Exception {
        long a = etcd.grant(60);
        long b = etcd.grant(60);
        long c = etcd.grant(60);
        LockResponse first = await(lock("order", a));
        assertEquals("order/" + hex(a), first.getKey().toStringUtf8());
        KeyValue firstKey = etcd.get(first.getKey());
        assertEquals(a, firstKey.getLease());
        assertEquals(firstKey.getCreateRevision(), first.getHeader().getRevision(), "answered by the queueing txn");

        CompletableFuture<LockResponse> second = lock("order", b);
        queuedBehind("order", b);
        CompletableFuture<LockResponse> third = lock("order", c);
        queuedBehind("order", c);
        settle();
        assertFalse(second.isDone(), "the second waits while the first holds the lock");
        assertFalse(third.isDone());

        unlock(first);
        LockResponse secondHeld = await(second);
        assertEquals("order/" + hex(b), secondHeld.getKey().toStringUtf8());
        settle();
        assertFalse(third.isDone(), "the third waits for the second, which was queued before it");

        unlock(secondHeld);
        LockResponse thirdHeld = await(third);
        assertEquals("order/" + hex(c), thirdHeld.getKey().toStringUtf8());
        assertTrue(thirdHeld.getHeader().getRevision() > secondHeld.getHeader().getRevision());
        unlock(thirdHeld);
        assertTrue(etcd.under("order/").isEmpty());
    }

    @Test
    void onlyOneOfManyConcurrentLockersHoldsTheLockAtATime() throws Exception {
        int lockers = 6;
        int rounds = 4;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        ConcurrentLinkedQueue<Long> grantOrder = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < lockers; i++) {
            long lease = etcd.grant(60);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        LockResponse held = await(lock("contended", lease));
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        grantOrder.add(held.getHeader().getRevision());
                        // Work inside the critical section that lets the others queue up meanwhile.
                        etcd.get(held.getKey());
                        holders.decrementAndGet();
                        unlock(held);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), () -> "lockers failed: " + failures);
        assertEquals(1, maxHolders.get(), "never two holders at once");
        assertEquals(lockers * rounds, grantOrder.size());
        assertTrue(etcd.under("contended/").isEmpty(), "every key was unlocked");
    }

    @Test
    void lockingAgainWithTheSameLeaseReusesTheHeldKey() {
        long lease = etcd.grant(60);
        LockResponse first = await(lock("reentrant", lease));
        LockResponse again = await(lock("reentrant", lease));
        assertEquals(first.getKey(), again.getKey());
        assertEquals(1, etcd.under("reentrant/").size());
        assertEquals(1, etcd.get(first.getKey()).getVersion(), "not written again");
        unlock(again);
    }

    @Test
    void aLockOnAnUnknownLeaseFailsAsEtcdDoes() {
        assertEtcdUnknown("etcdserver: requested lease not found", failureOf(lock("nolease", 0x7777)));
        assertTrue(etcd.under("nolease/").isEmpty());
    }

    @Test
    void aLockWithoutLeaseGetsANewSixtySecondLease() {
        LockResponse held = await(lock("unleased", 0));
        KeyValue kv = etcd.get(held.getKey());
        assertNotEquals(0, kv.getLease());
        assertEquals("unleased/" + hex(kv.getLease()), held.getKey().toStringUtf8());
        var ttl = await(etcd.server.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(kv.getLease()).build(),
                CTX));
        assertEquals(SessionLease.DEFAULT_TTL_SECONDS, ttl.getGrantedTTL());
        unlock(held);
        etcd.revoke(kv.getLease());
    }

    @Test
    void aWaiterWhoseLeaseIsRevokedIsNotGrantedTheLock() throws Exception {
        long holderLease = etcd.grant(60);
        long waiterLease = etcd.grant(60);
        LockResponse held = await(lock("expiring", holderLease));
        CompletableFuture<LockResponse> waiter = lock("expiring", waiterLease);
        queuedBehind("expiring", waiterLease);

        etcd.revoke(waiterLease);
        assertNull(etcd.get(bytes("expiring/" + hex(waiterLease))), "revoking deletes the waiter's key");
        unlock(held);
        // etcd 3.4 would grant it here (Jepsen); etcd 3.5 and this service refuse.
        assertEtcdUnknown(Failures.SESSION_EXPIRED, failureOf(waiter));

        long next = etcd.grant(60);
        unlock(await(lock("expiring", next)));
    }

    @Test
    void aCancelledWaiterRemovesItsKeyAndNoLongerBlocksOthers() throws Exception {
        long holderLease = etcd.grant(60);
        long leaving = etcd.grant(60);
        long staying = etcd.grant(60);
        LockResponse held = await(lock("cancel", holderLease));
        CompletableFuture<LockResponse> gone = lock("cancel", leaving);
        queuedBehind("cancel", leaving);
        CompletableFuture<LockResponse> next = lock("cancel", staying);
        queuedBehind("cancel", staying);

        assertTrue(gone.cancel(true));
        eventually("the cancelled waiter's key is deleted", () -> etcd.get(bytes("cancel/" + hex(leaving))) == null);
        unlock(held);
        LockResponse nextHeld = await(next);
        assertEquals("cancel/" + hex(staying), nextHeld.getKey().toStringUtf8());
        unlock(nextHeld);
        assertTrue(etcd.under("cancel/").isEmpty());
    }

    @Test
    void unlockIsAPlainDeleteAndAnEmptyKeyIsRefusedAsEtcdDoes() {
        long lease = etcd.grant(60);
        LockResponse held = await(lock("unlock", lease));
        var unlocked = await(locks.unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build(), CTX));
        assertNull(etcd.get(held.getKey()));
        assertTrue(unlocked.getHeader().getRevision() > held.getHeader().getRevision());
        assertEtcdUnknown("etcdserver: key is not provided",
                failureOf(locks.unlock(UnlockRequest.getDefaultInstance(), CTX)));
    }

    @Test
    void closingTheServiceFailsWaitersReleasesTheirKeysAndRefusesNewLocks() throws Exception {
        LockService own = new LockService(etcd.api, etcd.executor);
        long holderLease = etcd.grant(60);
        long waiterLease = etcd.grant(60);
        LockResponse held = await(own.lock(LockRequest.newBuilder().setName(bytes("closing")).setLease(holderLease)
                .build(), CTX));
        CompletableFuture<LockResponse> waiter = own.lock(LockRequest.newBuilder().setName(bytes("closing"))
                .setLease(waiterLease).build(), CTX);
        queuedBehind("closing", waiterLease);

        own.close();
        assertEquals(EtcdError.STOPPED, failureOf(waiter).error());
        eventually("the stopped waiter's key is deleted", () -> etcd.get(bytes("closing/" + hex(waiterLease))) == null);
        assertEquals(EtcdError.STOPPED, failureOf(own.lock(LockRequest.newBuilder().setName(bytes("closing"))
                .setLease(waiterLease).build(), CTX)).error());
        assertNotNull(etcd.get(held.getKey()), "a held lock stays held");
        unlock(held);
    }
}
