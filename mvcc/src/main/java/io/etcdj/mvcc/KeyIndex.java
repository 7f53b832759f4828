package io.etcdj.mvcc;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The revisions of one key (etcd's {@code keyIndex}), grouped in generations: a generation is one
 * life of the key, from the put that created it to the tombstone that deleted it. A tombstone is
 * appended as the last revision of the current generation, and a new empty generation starts.
 * Each revision points at the stored version in the backend's {@code "key"} bucket.
 *
 * <p>For example {@code put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)} on key
 * {@code "foo"} gives:
 * <pre>
 *   key: "foo", modified: 5.0
 *   generations:
 *     {empty}
 *     {4.0, 5.0(t)}
 *     {1.0, 2.0, 3.0(t)}
 * </pre>
 * Compacting at a revision removes, per generation, every revision at or below it except the
 * largest one; a generation left with only its tombstone is removed whole, and when only the
 * empty current generation is left the key index itself is dropped. Continuing the example:
 * <pre>
 *   compact(2): {empty} {4.0, 5.0(t)} {2.0, 3.0(t)}
 *   compact(4): {empty} {4.0, 5.0(t)}
 *   compact(5): {empty}   -> the key is removed from the tree index
 *   compact(6): {empty}   -> likewise
 * </pre>
 * Reading at revision {@code r} finds the generation alive at {@code r} (created at or before it,
 * tombstoned after it) and in it the last revision at or before {@code r}; its version is the
 * generation's version count minus the revisions that follow it.
 *
 * <p>Not thread-safe: {@link TreeIndex} serializes access.
 */
final class KeyIndex {
    /** What {@link #get} found: the revision to read, the generation's creation, the version. */
    record Found(Revision modified, Revision created, long version) {
    }

    private final ByteString key;
    private Revision modified = new Revision(0, 0);
    private final ArrayList<Generation> generations = new ArrayList<>();

    KeyIndex(ByteString key) {
        this.key = key;
    }

    ByteString key() {
        return key;
    }

    Revision modified() {
        return modified;
    }

    /** Appends a put (or, from {@link #tombstone}, a deletion) at {@code main.sub}. */
    void put(long main, long sub) {
        Revision rev = new Revision(main, sub);
        if (rev.compareTo(modified) <= 0) {
            throw new IllegalStateException("key index " + key.toStringUtf8() + ": put at " + rev
                    + " is not after the last modification " + modified);
        }
        if (generations.isEmpty()) {
            generations.add(new Generation());
        }
        generations.get(generations.size() - 1).append(main, sub);
        modified = rev;
    }

    /**
     * Starts this (new) key index from one stored version found while restoring from the backend:
     * its creation revision and version come from the stored pair, as earlier revisions may have
     * been compacted away.
     */
    void restore(long createdMain, Revision stored, long version) {
        if (!generations.isEmpty()) {
            throw new IllegalStateException("key index " + key.toStringUtf8() + ": restore into a non-empty index");
        }
        modified = stored;
        generations.add(Generation.restored(createdMain, stored.main(), stored.sub(), version));
    }

    /**
     * Appends a tombstone at {@code main.sub} and starts a new empty generation. Returns false,
     * changing nothing, when the key is already deleted (its current generation is empty).
     */
    boolean tombstone(long main, long sub) {
        if (isEmpty()) {
            throw new IllegalStateException("key index " + key.toStringUtf8() + ": tombstone on an empty index");
        }
        if (current().isEmpty()) {
            return false;
        }
        put(main, sub);
        generations.add(new Generation());
        return true;
    }

    /** The version alive at {@code atRev}, or null when the key did not exist then. */
    Found get(long atRev) {
        if (isEmpty()) {
            throw new IllegalStateException("key index " + key.toStringUtf8() + ": get on an empty index");
        }
        Generation g = findGeneration(atRev);
        if (g == null || g.isEmpty()) {
            return null;
        }
        int n = g.lastAtOrBefore(atRev);
        if (n == -1) {
            return null;
        }
        return new Found(g.revision(n), g.created(), g.version() - (g.size() - n - 1));
    }

    /**
     * Removes the revisions at or below {@code atRev} except the largest one of each generation
     * (dropped too when it is a tombstone), adding the revisions still needed to {@code available}.
     */
    void compact(long atRev, Set<Revision> available) {
        if (isEmpty()) {
            throw new IllegalStateException("key index " + key.toStringUtf8() + ": compact on an empty index");
        }
        int[] at = findCompaction(atRev, available);
        int genIdx = at[0];
        int revIndex = at[1];
        Generation g = generations.get(genIdx);
        if (!g.isEmpty()) {
            if (revIndex != -1) {
                g.dropBefore(revIndex);
            }
            // Only the tombstone is left of a finished generation: nothing in it is readable.
            if (g.size() == 1 && genIdx != generations.size() - 1) {
                available.remove(g.revision(0));
                genIdx++;
            }
        }
        generations.subList(0, genIdx).clear();
    }

    /** Adds to {@code available} what {@link #compact} at {@code atRev} would keep; changes nothing. */
    void keep(long atRev, Set<Revision> available) {
        if (isEmpty()) {
            return;
        }
        int[] at = findCompaction(atRev, available);
        int genIdx = at[0];
        int revIndex = at[1];
        Generation g = generations.get(genIdx);
        if (!g.isEmpty() && revIndex == g.size() - 1 && genIdx != generations.size() - 1) {
            available.remove(g.revision(revIndex));
        }
    }

    /**
     * etcd's {@code doCompact}: the first generation tombstoned after {@code atRev} (or the
     * current one) and in it the index of the last revision at or below {@code atRev}, which is
     * added to {@code available}; -1 when there is none.
     */
    private int[] findCompaction(long atRev, Set<Revision> available) {
        int genIdx = 0;
        Generation g = generations.get(0);
        while (genIdx < generations.size() - 1) {
            if (g.last().main() > atRev) {
                break;
            }
            genIdx++;
            g = generations.get(genIdx);
        }
        int revIndex = g.lastAtOrBefore(atRev);
        if (revIndex != -1) {
            available.add(g.revision(revIndex));
        }
        return new int[] {genIdx, revIndex};
    }

    /**
     * Undoes every change made at main revision {@code main}, which must be the latest changes
     * of this key (an aborted write transaction).
     */
    void rollback(long main) {
        while (modified.main() == main) {
            Generation last = current();
            if (last.isEmpty()) {
                // The empty generation a tombstone at `main` started.
                generations.remove(generations.size() - 1);
                last = current();
            }
            last.removeLast();
            modified = lastRevision();
        }
    }

    /** True when the key has only its empty current generation: nothing of it is readable. */
    boolean isEmpty() {
        return generations.size() == 1 && generations.get(0).isEmpty();
    }

    private Generation current() {
        return generations.get(generations.size() - 1);
    }

    private Revision lastRevision() {
        for (int i = generations.size() - 1; i >= 0; i--) {
            if (!generations.get(i).isEmpty()) {
                return generations.get(i).last();
            }
        }
        return new Revision(0, 0);
    }

    /**
     * The generation alive at {@code rev}, or null when {@code rev} falls between a tombstone and
     * the next creation (the key did not exist then).
     */
    private Generation findGeneration(long rev) {
        int lastg = generations.size() - 1;
        for (int cg = lastg; cg >= 0; cg--) {
            Generation g = generations.get(cg);
            if (g.isEmpty()) {
                continue;
            }
            if (cg != lastg && g.last().main() <= rev) {
                return null;
            }
            if (g.main(0) <= rev) {
                return g;
            }
        }
        return null;
    }

    /** The generations, oldest first, for tests and debugging: {@code {c2.0 v3: 4.0 6.0}{}}. */
    List<String> describe() {
        return generations.stream().map(Generation::toString).toList();
    }

    @Override
    public String toString() {
        return key.toStringUtf8() + "@" + modified + String.join("", describe());
    }
}
