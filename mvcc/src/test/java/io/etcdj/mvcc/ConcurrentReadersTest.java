package io.etcdj.mvcc;

import static io.etcdj.mvcc.StoreFixtures.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Readers on other threads while the writer writes, commits and compacts: every read must see
 * whole transactions and find every revision its index lookup returned (a missing revision
 * throws IllegalStateException inside the store).
 */
class ConcurrentReadersTest {
    private static final int TRANSACTIONS = 3000;
    private static final int READERS = 4;

    @Test
    void readersSeeWholeTransactionsWhileTheWriterCommitsAndCompacts() throws Exception {
        InMemoryBackend backend = InMemoryBackend.forStore();
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try (MvccStore store = MvccStore.open(backend, MvccOptions.defaults().withCompactionBatchLimit(16))) {
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                results.add(readers.submit(() -> {
                    int reads = 0;
                    while (writing.get() || reads == 0) {
                        RangeResult both;
                        try {
                            both = store.range(b("k"), b("l"), 0, 0);
                        } catch (EtcdException e) {
                            // A reader slower than the compactions lost its revision: etcd's answer too.
                            assertSame(EtcdError.COMPACTED, e.error());
                            continue;
                        }
                        reads++;
                        if (both.revision() == 1) {
                            continue;
                        }
                        // Each transaction puts k1 and k2 with the same value: never one without the other.
                        List<KeyValue> kvs = both.kvs();
                        assertEquals(2, kvs.size(), "at " + both.revision());
                        assertEquals(kvs.get(0).getValue(), kvs.get(1).getValue(), "at " + both.revision());
                        assertEquals(both.revision(), kvs.get(0).getModRevision(), "the latest transaction is visible whole");
                    }
                    return reads;
                }));
            }
            for (int i = 0; i < TRANSACTIONS; i++) {
                try (WriteTxn txn = store.beginWrite()) {
                    ByteString value = b("v" + i);
                    txn.put(b("k1"), value, 0);
                    txn.put(b("k2"), value, 0);
                    txn.end();
                }
                if (i % 7 == 0) {
                    store.commit(i + 1, 1);
                }
                if (i % 100 == 99) {
                    store.compact(store.currentRevision() - 10);
                }
            }
            writing.set(false);
            for (Future<Integer> result : results) {
                assertTrue(result.get(120, TimeUnit.SECONDS) > 0);
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
