package io.etcdj.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.spi.server.EtcdError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Every key's {@link KeyIndex}, ordered by unsigned byte order of the keys (etcd's
 * {@code treeIndex}), plus the compaction revision below which no read is served.
 *
 * <p>Locking: one read/write lock guards the tree and every key index in it. Lookups hold the read
 * lock for the whole lookup, so they run concurrently with each other and see each key index
 * between two changes. Changes (put, tombstone, rollback) hold the write lock for one key;
 * compaction takes it per chunk of {@value #COMPACTION_CHUNK} keys so that readers and the writer
 * are never paused for the whole index. The compaction revision is read and changed under the same
 * lock, so a lookup's "is this revision compacted?" check and the lookup itself are atomic with
 * respect to a compaction starting.
 */
final class TreeIndex {
    /** Keys compacted per write-lock hold. */
    static final int COMPACTION_CHUNK = 1000;
    static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    /** What a range lookup found: up to the requested number of keys with their revisions, and the full count. */
    record Lookup(List<ByteString> keys, List<Revision> revisions, int count) {
        static final Lookup EMPTY = new Lookup(List.of(), List.of(), 0);
    }

    /** Revisions a compaction would keep, with the compaction revision they were computed under. */
    record Keep(Set<Revision> revisions, long compactRevision) {
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<ByteString, KeyIndex> tree = new TreeMap<>(KEY_ORDER);
    /** etcd's compactMainRev: -1 until the first compaction. Guarded by {@link #lock}. */
    private long compactRevision = -1;

    void put(ByteString key, Revision rev) {
        lock.writeLock().lock();
        try {
            tree.computeIfAbsent(key, KeyIndex::new).put(rev.main(), rev.sub());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Marks {@code key} deleted at {@code rev}; false when it is not alive. */
    boolean tombstone(ByteString key, Revision rev) {
        lock.writeLock().lock();
        try {
            KeyIndex ki = tree.get(key);
            return ki != null && ki.tombstone(rev.main(), rev.sub());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Undoes the changes at main revision {@code main} of the given keys (an aborted write). */
    void rollback(Collection<ByteString> keys, long main) {
        lock.writeLock().lock();
        try {
            for (ByteString key : keys) {
                KeyIndex ki = tree.get(key);
                if (ki == null) {
                    continue;
                }
                ki.rollback(main);
                if (ki.isEmpty()) {
                    tree.remove(key);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Adds one version read from the backend while restoring (in revision order): a put or
     * tombstone for a known key, or a new key index started from a put (a tombstone of an
     * unknown key is skipped: its earlier history was compacted away).
     */
    void restore(ByteString key, Revision rev, boolean tombstone, long createRevision, long version) {
        lock.writeLock().lock();
        try {
            KeyIndex ki = tree.get(key);
            if (ki != null) {
                if (tombstone) {
                    ki.tombstone(rev.main(), rev.sub());
                } else {
                    ki.put(rev.main(), rev.sub());
                }
            } else if (!tombstone) {
                ki = new KeyIndex(key);
                ki.restore(createRevision, rev, version);
                tree.put(key, ki);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The version of {@code key} alive at {@code atRev}, or null. No compaction check. */
    KeyIndex.Found get(ByteString key, long atRev) {
        lock.readLock().lock();
        try {
            KeyIndex ki = tree.get(key);
            return ki == null ? null : ki.get(atRev);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The keys alive at {@code atRev} in the range, in key order, collecting at most
     * {@code max} of them but counting all.
     *
     * @param end null for just {@code key}; empty for every key from {@code key} on; otherwise the
     *            exclusive end
     * @throws io.etcdj.spi.server.EtcdException COMPACTED when {@code atRev} is below the compaction revision
     */
    Lookup range(ByteString key, ByteString end, long atRev, int max) {
        lock.readLock().lock();
        try {
            if (atRev < compactRevision) {
                throw EtcdError.COMPACTED.exception();
            }
            List<ByteString> keys = new ArrayList<>();
            List<Revision> revisions = new ArrayList<>();
            int count = 0;
            for (KeyIndex ki : span(key, end)) {
                KeyIndex.Found found = ki.get(atRev);
                if (found == null) {
                    continue;
                }
                if (count < max) {
                    keys.add(ki.key());
                    revisions.add(found.modified());
                }
                count++;
            }
            return count == 0 ? Lookup.EMPTY : new Lookup(keys, revisions, count);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Collection<KeyIndex> span(ByteString key, ByteString end) {
        if (end == null) {
            KeyIndex ki = tree.get(key);
            return ki == null ? List.of() : List.of(ki);
        }
        if (end.isEmpty()) {
            return tree.tailMap(key, true).values();
        }
        if (KEY_ORDER.compare(key, end) >= 0) {
            return List.of();
        }
        NavigableMap<ByteString, KeyIndex> sub = tree.subMap(key, true, end, false);
        return sub.values();
    }

    long compactRevision() {
        lock.readLock().lock();
        try {
            return compactRevision;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Refuses reads below {@code rev} from now on. The caller checked that it is above the
     * previous compaction revision; the key indexes are compacted later by {@link #compact}.
     */
    void markCompacted(long rev) {
        lock.writeLock().lock();
        try {
            compactRevision = rev;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Compacts every key index at {@code rev}, dropping keys left empty, and returns the revisions
     * at or below {@code rev} that must stay in the backend.
     */
    Set<Revision> compact(long rev) {
        List<KeyIndex> all;
        lock.readLock().lock();
        try {
            all = new ArrayList<>(tree.values());
        } finally {
            lock.readLock().unlock();
        }
        Set<Revision> available = new HashSet<>();
        for (int from = 0; from < all.size(); from += COMPACTION_CHUNK) {
            List<KeyIndex> chunk = all.subList(from, Math.min(all.size(), from + COMPACTION_CHUNK));
            lock.writeLock().lock();
            try {
                for (KeyIndex ki : chunk) {
                    // A key index emptied by a rollback since the snapshot is no longer in the tree.
                    if (ki.isEmpty()) {
                        continue;
                    }
                    ki.compact(rev, available);
                    if (ki.isEmpty()) {
                        tree.remove(ki.key(), ki);
                    }
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
        return available;
    }

    /** The revisions a compaction at {@code rev} would keep; changes nothing. */
    Keep keep(long rev) {
        lock.readLock().lock();
        try {
            Set<Revision> available = new HashSet<>();
            for (KeyIndex ki : tree.values()) {
                ki.keep(rev, available);
            }
            return new Keep(Collections.unmodifiableSet(available), compactRevision);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of key indexes (live or with readable history). */
    int size() {
        lock.readLock().lock();
        try {
            return tree.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The key index of {@code key} as text, for tests; null when absent. */
    String describe(ByteString key) {
        lock.readLock().lock();
        try {
            KeyIndex ki = tree.get(key);
            return ki == null ? null : String.join("", ki.describe());
        } finally {
            lock.readLock().unlock();
        }
    }
}
