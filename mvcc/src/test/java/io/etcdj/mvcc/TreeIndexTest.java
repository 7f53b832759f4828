package io.etcdj.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TreeIndexTest {
    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static List<String> keys(TreeIndex.Lookup lookup) {
        return lookup.keys().stream().map(ByteString::toStringUtf8).toList();
    }

    /** foo@2, foo1@3, foo2@4 (after etcd's TestIndexRange), then foo1 deleted at 5 and bar/\xff put at 6. */
    private static TreeIndex sample() {
        TreeIndex index = new TreeIndex();
        index.put(b("foo"), new Revision(2, 0));
        index.put(b("foo1"), new Revision(3, 0));
        index.put(b("foo2"), new Revision(4, 0));
        assertTrue(index.tombstone(b("foo1"), new Revision(5, 0)));
        index.put(b("bar"), new Revision(6, 0));
        index.put(ByteString.copyFrom(new byte[] {(byte) 0xff}), new Revision(6, 1));
        return index;
    }

    @Test
    void rangesAtRevisions() {
        TreeIndex index = sample();
        int all = Integer.MAX_VALUE;
        assertEquals(List.of("foo"), keys(index.range(b("foo"), null, 2, all)));
        assertEquals(List.of(), keys(index.range(b("foo"), null, 1, all)));
        assertEquals(List.of("foo", "foo1"), keys(index.range(b("foo"), b("foo2"), 4, all)));
        assertEquals(List.of("foo", "foo1", "foo2"), keys(index.range(b("foo"), b("fop"), 4, all)));
        assertEquals(List.of("foo", "foo2"), keys(index.range(b("foo"), b("fop"), 5, all)), "foo1 deleted at 5");
        assertEquals(List.of("foo1", "foo2"), keys(index.range(b("foo1"), b("fop"), 4, all)));
        assertEquals(List.of(), keys(index.range(b("foo3"), b("fop"), 4, all)));
        assertEquals(List.of(new Revision(2, 0), new Revision(3, 0)), index.range(b("foo"), b("foo2"), 4, all).revisions());
    }

    @Test
    void emptyEndMeansToTheEndAndKeysSortUnsigned() {
        TreeIndex index = sample();
        TreeIndex.Lookup all = index.range(b("\0"), ByteString.EMPTY, 6, Integer.MAX_VALUE);
        assertEquals(List.of("bar", "foo", "foo2", "\u00ff"),
                all.keys().stream().map(k -> k.size() == 1 && k.byteAt(0) == (byte) 0xff ? "\u00ff" : k.toStringUtf8()).toList());
        assertEquals(3, index.range(b("foo"), ByteString.EMPTY, 6, Integer.MAX_VALUE).count(), "foo, foo2 and 0xff");
    }

    @Test
    void endNotAfterKeyIsEmpty() {
        TreeIndex index = sample();
        assertEquals(0, index.range(b("foo2"), b("foo"), 6, Integer.MAX_VALUE).count());
        assertEquals(0, index.range(b("foo"), b("foo"), 6, Integer.MAX_VALUE).count());
    }

    @Test
    void collectsUpToMaxButCountsAll() {
        TreeIndex index = sample();
        TreeIndex.Lookup first = index.range(b("a"), ByteString.EMPTY, 6, 2);
        assertEquals(List.of("bar", "foo"), keys(first));
        assertEquals(4, first.count());
        TreeIndex.Lookup none = index.range(b("a"), ByteString.EMPTY, 6, 0);
        assertEquals(List.of(), keys(none));
        assertEquals(4, none.count());
    }

    @Test
    void readsBelowTheCompactionRevisionFail() {
        TreeIndex index = sample();
        index.markCompacted(4);
        EtcdException e = assertThrows(EtcdException.class, () -> index.range(b("foo"), null, 3, 1));
        assertSame(EtcdError.COMPACTED, e.error());
        assertEquals(1, index.range(b("foo"), null, 4, 1).count(), "the compaction revision itself is readable");
    }

    @Test
    void compactionDropsDeletedKeysAndReturnsTheRevisionsToKeep() {
        TreeIndex index = sample();
        Set<Revision> keep = index.compact(5);
        assertEquals(Set.of(new Revision(2, 0), new Revision(4, 0)), keep, "foo1's tombstone is not kept");
        assertNull(index.describe(b("foo1")), "foo1 has nothing readable left");
        assertEquals(4, index.size());
        assertEquals(List.of("foo", "foo2"), keys(index.range(b("foo"), b("fop"), 5, Integer.MAX_VALUE)));
    }

    @Test
    void keepChangesNothing() {
        TreeIndex index = sample();
        TreeIndex.Keep keep = index.keep(5);
        assertEquals(Set.of(new Revision(2, 0), new Revision(4, 0)), keep.revisions());
        assertEquals(-1, keep.compactRevision());
        assertEquals("{c3.0 v2: 3.0 5.0}{}", index.describe(b("foo1")));
    }

    @Test
    void rollbackRemovesKeysCreatedByTheRevision() {
        TreeIndex index = sample();
        index.put(b("new"), new Revision(7, 0));
        index.put(b("foo"), new Revision(7, 1));
        assertTrue(index.tombstone(b("bar"), new Revision(7, 2)));
        index.rollback(List.of(b("new"), b("foo"), b("bar")), 7);
        assertNull(index.describe(b("new")));
        assertEquals("{c2.0 v1: 2.0}", index.describe(b("foo")));
        assertEquals("{c6.0 v1: 6.0}", index.describe(b("bar")));
    }

    @Test
    void restoreRebuildsFromStoredVersions() {
        TreeIndex index = new TreeIndex();
        index.restore(b("gone"), new Revision(3, 0), true, 0, 0);
        assertNull(index.describe(b("gone")), "a tombstone of an unknown key is skipped");
        index.restore(b("k"), new Revision(4, 0), false, 2, 3);
        index.restore(b("k"), new Revision(5, 0), true, 0, 0);
        index.restore(b("k"), new Revision(6, 0), false, 6, 1);
        assertEquals("{c2.0 v4: 4.0 5.0}{c6.0 v1: 6.0}", index.describe(b("k")));
        assertFalse(index.range(b("k"), null, 4, 1).keys().isEmpty());
        assertTrue(index.range(b("k"), null, 5, 1).keys().isEmpty());
    }
}
