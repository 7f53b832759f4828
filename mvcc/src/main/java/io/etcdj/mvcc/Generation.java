package io.etcdj.mvcc;

import java.util.Arrays;

/**
 * One life of a key, from its creation to its deletion (etcd's {@code generation}): the
 * revisions of its versions in ascending order, the last one being the tombstone unless this is
 * the key's current generation. Not thread-safe; {@link TreeIndex} guards it.
 */
final class Generation {
    /** Versions the key had in this generation, including revisions compacted away. */
    private long version;
    private long createdMain;
    private long createdSub;
    // Revisions as two parallel arrays: a key index holds one entry per version of every key, and
    // primitive arrays keep that to 16 bytes each.
    private long[] mains = new long[2];
    private long[] subs = new long[2];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long version() {
        return version;
    }

    Revision created() {
        return new Revision(createdMain, createdSub);
    }

    long main(int i) {
        return mains[i];
    }

    Revision revision(int i) {
        return new Revision(mains[i], subs[i]);
    }

    Revision last() {
        return revision(size - 1);
    }

    void append(long main, long sub) {
        if (size == 0) {
            createdMain = main;
            createdSub = sub;
        }
        if (size == mains.length) {
            mains = Arrays.copyOf(mains, size * 2);
            subs = Arrays.copyOf(subs, size * 2);
        }
        mains[size] = main;
        subs[size] = sub;
        size++;
        version++;
    }

    /** Starts a generation restored from one stored version (etcd's {@code keyIndex.restore}). */
    static Generation restored(long createdMain, long modMain, long modSub, long version) {
        Generation g = new Generation();
        g.mains[0] = modMain;
        g.subs[0] = modSub;
        g.size = 1;
        g.createdMain = createdMain;
        g.createdSub = 0;
        g.version = version;
        return g;
    }

    /** Undoes the last {@link #append} (rollback of an aborted transaction). */
    void removeLast() {
        size--;
        version--;
    }

    /** Drops the revisions before index {@code from} (compaction); the version count is kept. */
    void dropBefore(int from) {
        int remaining = size - from;
        System.arraycopy(mains, from, mains, 0, remaining);
        System.arraycopy(subs, from, subs, 0, remaining);
        size = remaining;
    }

    /**
     * The index of the last revision whose main is at most {@code atRev}, or -1 when every
     * revision is later (etcd's {@code walk} with {@code rev.main > atRev}).
     */
    int lastAtOrBefore(long atRev) {
        for (int i = size - 1; i >= 0; i--) {
            if (mains[i] <= atRev) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        if (size == 0) {
            return "{}";
        }
        StringBuilder s = new StringBuilder("{c").append(createdMain).append('.').append(createdSub)
                .append(" v").append(version).append(':');
        for (int i = 0; i < size; i++) {
            s.append(' ').append(mains[i]).append('.').append(subs[i]);
        }
        return s.append('}').toString();
    }
}
