package io.etcdj.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Cases ported from etcd's key_index_test.go. */
class KeyIndexTest {
    private static final String G1 = "{c2.0 v3: 2.0 4.0 6.0}";
    private static final String G1_COMPACTED = "{c2.0 v3: 4.0 6.0}";
    private static final String G2 = "{c8.0 v3: 8.0 10.0 12.0}";
    private static final String G2_COMPACTED = "{c8.0 v3: 10.0 12.0}";
    private static final String G3 = "{c14.0 v3: 14.0 14.1 16.0}";
    private static final String G3_COMPACTED = "{c14.0 v3: 14.1 16.0}";
    private static final String EMPTY = "{}";

    /** One row of etcd's TestKeyIndexCompactAndKeep: compacting at {@code at} leaves {@code generations}, keeping {@code kept}. */
    private record Row(long at, List<String> generations, Set<Revision> kept) {
    }

    private static final List<Row> COMPACTIONS = List.of(
            new Row(1, List.of(G1, G2, G3, EMPTY), Set.of()),
            new Row(2, List.of(G1, G2, G3, EMPTY), Set.of(rev(2, 0))),
            new Row(3, List.of(G1, G2, G3, EMPTY), Set.of(rev(2, 0))),
            new Row(4, List.of(G1_COMPACTED, G2, G3, EMPTY), Set.of(rev(4, 0))),
            new Row(5, List.of(G1_COMPACTED, G2, G3, EMPTY), Set.of(rev(4, 0))),
            new Row(6, List.of(G2, G3, EMPTY), Set.of()),
            new Row(7, List.of(G2, G3, EMPTY), Set.of()),
            new Row(8, List.of(G2, G3, EMPTY), Set.of(rev(8, 0))),
            new Row(9, List.of(G2, G3, EMPTY), Set.of(rev(8, 0))),
            new Row(10, List.of(G2_COMPACTED, G3, EMPTY), Set.of(rev(10, 0))),
            new Row(11, List.of(G2_COMPACTED, G3, EMPTY), Set.of(rev(10, 0))),
            new Row(12, List.of(G3, EMPTY), Set.of()),
            new Row(13, List.of(G3, EMPTY), Set.of()),
            new Row(14, List.of(G3_COMPACTED, EMPTY), Set.of(rev(14, 1))),
            new Row(15, List.of(G3_COMPACTED, EMPTY), Set.of(rev(14, 1))),
            new Row(16, List.of(EMPTY), Set.of()));

    private static Revision rev(long main, long sub) {
        return new Revision(main, sub);
    }

    /**
     * etcd's newTestKeyIndex: generations {2.0 4.0 6.0(t)} {8.0 10.0 12.0(t)} {14.0 14.1 16.0(t)} {}.
     */
    private static KeyIndex testKeyIndex() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("foo"));
        ki.put(2, 0);
        ki.put(4, 0);
        assertTrue(ki.tombstone(6, 0));
        ki.put(8, 0);
        ki.put(10, 0);
        assertTrue(ki.tombstone(12, 0));
        ki.put(14, 0);
        ki.put(14, 1);
        assertTrue(ki.tombstone(16, 0));
        return ki;
    }

    @Test
    void getFindsTheVersionAliveAtEachRevision() {
        KeyIndex ki = testKeyIndex();
        ki.compact(4, new HashSet<>());
        assertNull(ki.get(17));
        assertNull(ki.get(16));
        assertEquals(new KeyIndex.Found(rev(14, 1), rev(14, 0), 2), ki.get(15));
        assertEquals(new KeyIndex.Found(rev(14, 1), rev(14, 0), 2), ki.get(14));
        assertNull(ki.get(13));
        assertNull(ki.get(12));
        assertEquals(new KeyIndex.Found(rev(10, 0), rev(8, 0), 2), ki.get(11));
        assertEquals(new KeyIndex.Found(rev(10, 0), rev(8, 0), 2), ki.get(10));
        assertEquals(new KeyIndex.Found(rev(8, 0), rev(8, 0), 1), ki.get(9));
        assertEquals(new KeyIndex.Found(rev(8, 0), rev(8, 0), 1), ki.get(8));
        assertNull(ki.get(7));
        assertNull(ki.get(6));
        // Revision 2 was compacted away; the version count of the generation is kept.
        assertEquals(new KeyIndex.Found(rev(4, 0), rev(2, 0), 2), ki.get(5));
        assertEquals(new KeyIndex.Found(rev(4, 0), rev(2, 0), 2), ki.get(4));
        assertNull(ki.get(3));
        assertNull(ki.get(2));
        assertNull(ki.get(1));
        assertNull(ki.get(0));
    }

    @Test
    void continuousCompaction() {
        KeyIndex ki = testKeyIndex();
        for (Row row : COMPACTIONS) {
            checkKeepThenCompact(ki, row);
        }
    }

    @Test
    void jumpingCompaction() {
        KeyIndex ki = testKeyIndex();
        for (int i = 0; i < COMPACTIONS.size(); i++) {
            if ((i % 2 == 0 && i < 6) || (i % 2 == 1 && i > 6)) {
                checkKeepThenCompact(ki, COMPACTIONS.get(i));
            }
        }
    }

    @Test
    void singleCompactionFromTheStart() {
        for (Row row : COMPACTIONS) {
            checkKeepThenCompact(testKeyIndex(), row);
        }
    }

    private static void checkKeepThenCompact(KeyIndex ki, Row row) {
        List<String> before = ki.describe();
        Set<Revision> kept = new HashSet<>();
        ki.keep(row.at(), kept);
        assertEquals(before, ki.describe(), "keep changed the index at " + row.at());
        assertEquals(row.kept(), kept, "keep at " + row.at());
        Set<Revision> available = new HashSet<>();
        ki.compact(row.at(), available);
        assertEquals(row.generations(), ki.describe(), "compact at " + row.at());
        assertEquals(row.kept(), available, "available after compact at " + row.at());
        assertEquals(row.at() >= 16, ki.isEmpty(), "empty after compact at " + row.at());
    }

    @Test
    void compactionAboveTheLastRevisionKeepsIt() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("foo"));
        ki.put(1, 0);
        ki.put(2, 0);
        Set<Revision> available = new HashSet<>();
        ki.compact(3, available);
        assertEquals(List.of("{c1.0 v2: 2.0}"), ki.describe());
        assertEquals(Set.of(rev(2, 0)), available);
        assertEquals(new KeyIndex.Found(rev(2, 0), rev(1, 0), 2), ki.get(3));
    }

    @Test
    void tombstoneEndsTheGenerationAndRefusesADeletedKey() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("foo"));
        ki.put(5, 0);
        assertTrue(ki.tombstone(7, 0));
        assertEquals(List.of("{c5.0 v2: 5.0 7.0}", EMPTY), ki.describe());
        assertFalse(ki.tombstone(8, 0), "already deleted");
        ki.put(8, 0);
        ki.put(9, 0);
        assertTrue(ki.tombstone(15, 0));
        assertEquals(List.of("{c5.0 v2: 5.0 7.0}", "{c8.0 v3: 8.0 9.0 15.0}", EMPTY), ki.describe());
    }

    @Test
    void putMustMoveForward() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("foo"));
        ki.put(5, 1);
        assertThrows(IllegalStateException.class, () -> ki.put(5, 1));
        assertThrows(IllegalStateException.class, () -> ki.put(4, 9));
    }

    @Test
    void restoreStartsFromTheStoredVersion() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("foo"));
        ki.restore(3, rev(7, 2), 4);
        assertEquals(new KeyIndex.Found(rev(7, 2), rev(3, 0), 4), ki.get(7));
        assertNull(ki.get(6));
        ki.put(9, 0);
        assertEquals(new KeyIndex.Found(rev(9, 0), rev(3, 0), 5), ki.get(9));
    }

    @Test
    void rollbackUndoesPutsAndTombstonesOfOneRevision() {
        KeyIndex ki = new KeyIndex(ByteString.copyFromUtf8("foo"));
        ki.put(2, 0);
        assertTrue(ki.tombstone(3, 0));
        List<String> before = ki.describe();
        ki.put(4, 0);
        assertTrue(ki.tombstone(4, 1));
        ki.put(4, 2);
        ki.rollback(4);
        assertEquals(before, ki.describe());
        assertEquals(rev(3, 0), ki.modified());
        ki.put(4, 0); // the revision can be used again
        assertEquals(new KeyIndex.Found(rev(4, 0), rev(4, 0), 1), ki.get(4));

        KeyIndex fresh = new KeyIndex(ByteString.copyFromUtf8("bar"));
        fresh.put(9, 0);
        fresh.rollback(9);
        assertTrue(fresh.isEmpty());
    }
}
