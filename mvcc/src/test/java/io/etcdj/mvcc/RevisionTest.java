package io.etcdj.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RevisionTest {
    @Test
    void encodesAsEtcdDoes() {
        byte[] expected = {0, 0, 0, 0, 0, 0, 1, 2, '_', 0, 0, 0, 0, 0, 0, 0, 7};
        assertArrayEquals(expected, new Revision(258, 7).toBytes());
        byte[] tomb = new Revision(258, 7).toTombstoneBytes();
        assertEquals(18, tomb.length);
        assertArrayEquals(expected, Arrays.copyOf(tomb, 17));
        assertEquals('t', tomb[17]);
    }

    @Test
    void decodesBothFormsAndRecognizesTombstones() {
        Revision rev = new Revision(123456789L, 42);
        assertEquals(rev, Revision.fromBytes(rev.toBytes()));
        assertEquals(rev, Revision.fromBytes(rev.toTombstoneBytes()));
        assertFalse(Revision.isTombstone(rev.toBytes()));
        assertTrue(Revision.isTombstone(rev.toTombstoneBytes()));
        assertThrows(IllegalArgumentException.class, () -> Revision.fromBytes(new byte[8]));
    }

    @Test
    void byteOrderIsRevisionOrder() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Revision a = new Revision(random.nextInt(1 << 20) * (random.nextBoolean() ? 1L : 1L << 30), random.nextInt(300));
            Revision b = new Revision(random.nextInt(1 << 20) * (random.nextBoolean() ? 1L : 1L << 30), random.nextInt(300));
            assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(Arrays.compareUnsigned(a.toBytes(), b.toBytes())),
                    a + " vs " + b);
        }
        // A tombstone sorts right after the plain encoding of the same revision, before the next one.
        Revision r = new Revision(5, 1);
        assertTrue(Arrays.compareUnsigned(r.toBytes(), r.toTombstoneBytes()) < 0);
        assertTrue(Arrays.compareUnsigned(r.toTombstoneBytes(), new Revision(5, 2).toBytes()) < 0);
    }

    @Test
    void mainPrefixBoundsTheRevisionsOfAMain() {
        byte[] prefix = Revision.mainPrefix(6);
        assertTrue(Arrays.compareUnsigned(new Revision(5, Long.MAX_VALUE).toTombstoneBytes(), prefix) < 0);
        assertTrue(Arrays.compareUnsigned(prefix, new Revision(6, 0).toBytes()) < 0);
    }
}
