package io.etcdj.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.etcdj.spi.store.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionReaderTest {
    private final InMemoryBackend backend = InMemoryBackend.forStore();
    private final PendingWrites pending = new PendingWrites();

    private void commit(long... mains) throws IOException {
        try (WriteBatch batch = backend.newBatch()) {
            for (long main : mains) {
                batch.put(MvccStore.KEY_BUCKET, new Revision(main, 0).toBytes(), new byte[] {(byte) main});
            }
            backend.commit(batch);
        }
    }

    private void pend(long... mains) {
        for (long main : mains) {
            pending.put(new Revision(main, 0).toBytes(), new byte[] {(byte) main});
        }
    }

    private List<Long> scan(RevisionReader reader, byte[] to, int stopAfter) {
        List<Long> seen = new ArrayList<>();
        reader.scan(new byte[0], to, (key, value) -> {
            assertEquals(Revision.fromBytes(key).main(), value[0]);
            seen.add(Revision.fromBytes(key).main());
            return seen.size() < stopAfter;
        });
        return seen;
    }

    @Test
    void mergesPendingAndCommittedInOrderReadingDuplicatesOnce() throws IOException {
        commit(2, 4, 5, 9);
        pend(1, 3, 5, 9, 10, 12);
        try (RevisionReader reader = new RevisionReader(pending, backend.readView())) {
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 9L, 10L, 12L), scan(reader, null, 100));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 9L, 10L), scan(reader, Revision.mainPrefix(11), 100));
            assertEquals(List.of(1L, 2L, 3L), scan(reader, null, 3), "stops when the visitor says so");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 9L, 10L), scan(reader, null, 7), "stops inside the pending tail");
            assertArrayEquals(new byte[] {3}, reader.get(new Revision(3, 0)));
            assertArrayEquals(new byte[] {4}, reader.get(new Revision(4, 0)));
            assertNull(reader.get(new Revision(6, 0)));
        }
        assertEquals(0, backend.openViews());
    }
}
