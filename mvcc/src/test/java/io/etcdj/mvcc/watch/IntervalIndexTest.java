package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IntervalIndexTest {
    private record Entry(ByteString start, ByteString end, int value) {
        boolean contains(ByteString key) {
            return KeyRange.ORDER.compare(start, key) <= 0 && (end == null || KeyRange.ORDER.compare(key, end) < 0);
        }
    }

    private static Set<Integer> stab(IntervalIndex<Integer> index, ByteString key) {
        Set<Integer> found = new HashSet<>();
        index.stab(key, v -> assertTrue(found.add(v), "reported twice: " + v));
        return found;
    }

    @Test
    void findsTheIntervalsContainingAKey() {
        IntervalIndex<Integer> index = new IntervalIndex<>();
        assertTrue(index.isEmpty());
        assertTrue(index.add(b("b"), b("d"), 1));
        assertTrue(index.add(b("b"), b("d"), 2), "a second value on the same interval");
        assertFalse(index.add(b("b"), b("d"), 2));
        assertTrue(index.add(b("c"), null, 3));
        assertTrue(index.add(b("a"), b("b"), 4));
        assertEquals(Set.of(4), stab(index, b("a")));
        assertEquals(Set.of(1, 2), stab(index, b("b")));
        assertEquals(Set.of(1, 2, 3), stab(index, b("c")));
        assertEquals(Set.of(3), stab(index, b("d")), "ends are exclusive");
        assertEquals(Set.of(3), stab(index, b("zzz")));
        assertEquals(Set.of(), stab(index, ByteString.EMPTY));
        assertTrue(index.containsPoint(b("d")));
        assertFalse(index.containsPoint(b("0")));
        assertTrue(index.remove(b("b"), b("d"), 1));
        assertFalse(index.remove(b("b"), b("d"), 1));
        assertFalse(index.remove(b("b"), b("e"), 2), "another interval");
        assertEquals(Set.of(2, 3), stab(index, b("c")));
        assertTrue(index.remove(b("b"), b("d"), 2));
        assertTrue(index.remove(b("c"), null, 3));
        assertTrue(index.remove(b("a"), b("b"), 4));
        assertTrue(index.isEmpty());
    }

    @Test
    void agreesWithAListUnderRandomChanges() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            IntervalIndex<Integer> index = new IntervalIndex<>();
            List<Entry> model = new ArrayList<>();
            for (int step = 0; step < 2000; step++) {
                if (model.isEmpty() || random.nextInt(3) != 0) {
                    ByteString start = key(random);
                    ByteString end = random.nextInt(5) == 0 ? null : key(random);
                    if (end != null && KeyRange.ORDER.compare(start, end) >= 0) {
                        continue;
                    }
                    Entry entry = new Entry(start, end, step);
                    model.add(entry);
                    assertTrue(index.add(start, end, step));
                } else {
                    Entry entry = model.remove(random.nextInt(model.size()));
                    assertTrue(index.remove(entry.start(), entry.end(), entry.value()), "seed " + seed);
                }
                ByteString probe = key(random);
                Set<Integer> expected = new HashSet<>();
                for (Entry e : model) {
                    if (e.contains(probe)) {
                        expected.add(e.value());
                    }
                }
                assertEquals(expected, stab(index, probe), "seed " + seed + " step " + step + " key " + probe.toStringUtf8());
                assertEquals(!expected.isEmpty(), index.containsPoint(probe), "seed " + seed + " step " + step);
            }
        }
    }

    /** Short keys over a small alphabet, so intervals share starts and ends often. */
    private static ByteString key(Random random) {
        int length = 1 + random.nextInt(3);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(4));
        }
        return ByteString.copyFrom(bytes);
    }
}
