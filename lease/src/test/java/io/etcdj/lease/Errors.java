package io.etcdj.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.function.Executable;

/** Assertions on etcd errors, thrown or carried by a future. */
final class Errors {
    private Errors() {
    }

    static void assertEtcdError(EtcdError expected, Executable call) {
        EtcdException e = assertThrows(EtcdException.class, call);
        assertEquals(expected, e.error());
        assertEquals(expected.message(), e.getMessage());
    }

    static void assertFailedWith(EtcdError expected, CompletableFuture<?> future) {
        assertTrue(future.isDone(), "future should be done");
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        EtcdException cause = assertInstanceOf(EtcdException.class, e.getCause());
        assertEquals(expected, cause.error());
    }
}
