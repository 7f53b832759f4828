package io.etcdj.raft.tracker;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The in-flight window, checked against a plain queue with random operations. */
class InflightsTest {

    @Test
    void behavesLikeABoundedQueueOfIndexes() {
        SplittableRandom random = new SplittableRandom(3);
        for (int capacity : new int[]{1, 2, 5, 16}) {
            Inflights in = new Inflights(capacity);
            ArrayDeque<Long> model = new ArrayDeque<>();
            long next = 1;
            for (int op = 0; op < 20_000; op++) {
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        if (model.size() < capacity) {
                            next += 1 + random.nextInt(3);
                            in.add(next);
                            model.addLast(next);
                        } else {
                            long attempt = next + 1;
                            assertThrows(IllegalStateException.class, () -> in.add(attempt));
                        }
                    }
                    case 2 -> {
                        long to = model.isEmpty() ? next : model.peekFirst() - 1 + random.nextInt(8);
                        in.freeLE(to);
                        while (!model.isEmpty() && model.peekFirst() <= to) {
                            model.pollFirst();
                        }
                    }
                    default -> {
                        in.freeFirstOne();
                        model.pollFirst();
                    }
                }
                assertEquals(model.size(), in.count());
                assertEquals(model.size() == capacity, in.full());
            }
        }
    }

    @Test
    void resetEmptiesAndCapacityMustBePositive() {
        Inflights in = new Inflights(2);
        in.add(1);
        in.add(2);
        assertTrue(in.full());
        in.reset();
        assertEquals(0, in.count());
        assertThrows(IllegalArgumentException.class, () -> new Inflights(0));
    }
}
