package io.etcdj.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.KeyValue;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random puts, deletes, multi-operation transactions, aborts, commits, compactions and restarts,
 * with every read checked against a naive model: the list of all changes, replayed up to the
 * revision read. A second store fed the same operations but never restarted and always committed
 * must agree on HashKV. A failure names its seed; {@code -Dmodel.seed=N} replays it first.
 */
class MvccStoreModelTest {
    private static final String[] KEYS = {"a", "a1", "a2", "b", "b\u0000", "ba", "c", "d", "\u00ff", "zz"};

    /** One change: a put (value non-null) or a delete of {@code key} at {@code main}. */
    private record Change(long main, ByteString key, ByteString value, long lease) {
    }

    /** The naive model of the key space. */
    private static final class Model {
        final List<Change> changes = new ArrayList<>();
        long current = 1;
        long compacted = -1;

        /** The live pairs at {@code rev}, by key, computed from scratch. */
        TreeMap<ByteString, KeyValue> stateAt(long rev) {
            TreeMap<ByteString, KeyValue> state = new TreeMap<>(TreeIndex.KEY_ORDER);
            for (Change c : changes) {
                if (c.main() > rev) {
                    break;
                }
                if (c.value() == null) {
                    state.remove(c.key());
                    continue;
                }
                KeyValue before = state.get(c.key());
                state.put(c.key(), KeyValue.newBuilder().setKey(c.key()).setValue(c.value())
                        .setCreateRevision(before == null ? c.main() : before.getCreateRevision())
                        .setModRevision(c.main())
                        .setVersion(before == null ? 1 : before.getVersion() + 1)
                        .setLease(c.lease()).build());
            }
            return state;
        }

        List<KeyValue> range(ByteString key, ByteString end, long rev) {
            return stateAt(rev).values().stream().filter(kv -> inRange(kv.getKey(), key, end)).toList();
        }
    }

    private static boolean inRange(ByteString k, ByteString key, ByteString end) {
        if (end == null) {
            return k.equals(key);
        }
        return TreeIndex.KEY_ORDER.compare(k, key) >= 0 && (end.isEmpty() || TreeIndex.KEY_ORDER.compare(k, end) < 0);
    }

    @Test
    void storeAgreesWithTheNaiveModel() {
        long seed = Long.getLong("model.seed", new Random().nextLong());
        for (int round = 0; round < 20; round++) {
            try {
                run(seed + round);
            } catch (Throwable t) {
                throw new AssertionError("seed " + (seed + round), t);
            }
        }
    }

    private void run(long seed) throws IOException {
        Random random = new Random(seed);
        String where = "seed " + seed;
        InMemoryBackend backend = InMemoryBackend.forStore();
        InMemoryBackend twinBackend = InMemoryBackend.forStore();
        MvccOptions options = MvccOptions.defaults().withCompactionBatchLimit(1 + random.nextInt(4));
        MvccStore store = MvccStore.open(backend, options);
        MvccStore twin = MvccStore.open(twinBackend, options);
        Model model = new Model();
        long applied = 0;
        try {
            for (int step = 0; step < 300; step++) {
                int action = random.nextInt(100);
                if (action < 55) {
                    writeTxn(random, store, model, true);
                    writeTxnSameAs(twin, model);
                } else if (action < 60) {
                    writeTxn(random, store, model, false);
                } else if (action < 68) {
                    // Mostly valid, sometimes one below the compacted or above the current revision.
                    long rev = model.compacted - 1 + random.nextInt((int) (model.current - model.compacted + 3));
                    boolean valid = rev > model.compacted && rev <= model.current;
                    try {
                        store.compact(rev);
                        twin.compact(rev);
                        assertTrue(valid, where + ": compact " + rev + " accepted");
                        model.compacted = rev;
                    } catch (EtcdException e) {
                        assertSame(rev <= model.compacted ? EtcdError.COMPACTED : EtcdError.FUTURE_REV, e.error(), where);
                    }
                } else if (action < 80) {
                    store.commit(++applied, 1);
                    twin.commit(applied, 1);
                } else if (action < 84) {
                    store.commit(++applied, 1);
                    twin.commit(applied, 1);
                    store.close();
                    store = MvccStore.open(backend, options);
                    assertEquals(applied, store.consistentIndex(), where);
                } else {
                    checkReads(random, store, model, where + " step " + step);
                    long hashAt = model.compacted + 1 + (long) random.nextInt((int) Math.max(1, model.current - model.compacted));
                    if (hashAt <= model.current) {
                        assertEquals(twin.hashKV(hashAt), store.hashKV(hashAt), where + " hash at " + hashAt);
                    }
                }
                assertEquals(model.current, store.currentRevision(), where);
                assertEquals(model.compacted, store.compactRevision(), where);
            }
            checkReads(random, store, model, where + " at the end");
        } finally {
            store.close();
            twin.close();
        }
        assertEquals(0, backend.openViews(), where);
    }

    /** The twin replays the model's last revision (if it made one) exactly. */
    private static void writeTxnSameAs(MvccStore twin, Model model) {
        if (twin.currentRevision() == model.current) {
            return;
        }
        try (WriteTxn txn = twin.beginWrite()) {
            for (Change c : model.changes) {
                if (c.main() != model.current) {
                    continue;
                }
                if (c.value() == null) {
                    txn.deleteRange(c.key(), null, false);
                } else {
                    txn.put(c.key(), c.value(), c.lease());
                }
            }
            txn.end();
        }
    }

    /** A transaction of 1-4 random puts and range deletes; aborted instead of ended when {@code end} is false. */
    private static void writeTxn(Random random, MvccStore store, Model model, boolean end) {
        List<Change> made = new ArrayList<>();
        long rev = model.current + 1;
        try (WriteTxn txn = store.beginWrite()) {
            int ops = 1 + random.nextInt(4);
            for (int i = 0; i < ops; i++) {
                // The model state as the txn sees it: the committed changes plus its own so far.
                Model seen = new Model();
                seen.changes.addAll(model.changes);
                seen.changes.addAll(made);
                if (random.nextInt(3) > 0) {
                    ByteString key = key(random);
                    ByteString value = ByteString.copyFromUtf8("v" + random.nextInt(1000));
                    long lease = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0;
                    txn.put(key, value, lease);
                    made.add(new Change(rev, key, value, lease));
                } else {
                    ByteString key = key(random);
                    ByteString end2 = end(random);
                    List<KeyValue> alive = seen.range(key, end2, rev);
                    DeleteResult result = txn.deleteRange(key, end2, true);
                    assertEquals(alive.size(), result.deleted());
                    assertEquals(alive, result.prevKvs());
                    for (KeyValue kv : alive) {
                        made.add(new Change(rev, kv.getKey(), null, 0));
                    }
                }
            }
            if (end) {
                txn.end();
            } else {
                txn.abort();
            }
        }
        if (end && !made.isEmpty()) {
            model.changes.addAll(made);
            model.current = rev;
        }
    }

    private static void checkReads(Random random, MvccStore store, Model model, String where) {
        for (int i = 0; i < 20; i++) {
            ByteString key = key(random);
            ByteString end = end(random);
            long at = random.nextInt((int) model.current + 3) - 1;
            long limit = random.nextInt(4);
            try {
                RangeResult result = store.range(key, end, at, limit);
                long rev = at <= 0 ? model.current : at;
                if (at > model.current || rev < model.compacted) {
                    fail(where + ": read at " + at + " should fail (current " + model.current + ", compacted " + model.compacted + ")");
                }
                List<KeyValue> expected = model.range(key, end, rev);
                String what = where + ": range " + printable(key) + ".." + (end == null ? "null" : printable(end)) + " at " + at + " limit " + limit;
                assertEquals(expected.size(), result.count(), what);
                assertEquals(limit == 0 ? expected : expected.subList(0, (int) Math.min(limit, expected.size())), result.kvs(), what);
                assertEquals(model.current, result.revision(), what);
            } catch (EtcdException e) {
                EtcdError expected = at > model.current ? EtcdError.FUTURE_REV : EtcdError.COMPACTED;
                assertSame(expected, e.error(), where + ": read at " + at);
                if (expected == EtcdError.COMPACTED && (at <= 0 ? model.current : at) >= model.compacted) {
                    fail(where + ": read at " + at + " refused as compacted (compacted " + model.compacted + ")");
                }
            }
        }
    }

    private static ByteString key(Random random) {
        return bytes(KEYS[random.nextInt(KEYS.length)]);
    }

    /** null (one key), empty (to the end), or a key (possibly before the start key). */
    private static ByteString end(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> ByteString.EMPTY;
            default -> bytes(KEYS[random.nextInt(KEYS.length)]);
        };
    }

    private static ByteString bytes(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            b[i] = (byte) s.charAt(i);
        }
        return ByteString.copyFrom(b);
    }

    private static String printable(ByteString b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b.toByteArray()) {
            s.append(x >= 32 && x < 127 ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }
}
