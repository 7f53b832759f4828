package io.etcdj.mvcc;

import java.util.List;

/**
 * Told of the changes a {@link MvccStore#commit} wrote to the backend, and of a restore that
 * replaced them (see {@link MvccStore#setCommitListener}).
 *
 * <p>Called on the store's writer thread. It delays the writer, so it must not block; it must not
 * call the store's writer methods.
 */
public interface CommitListener {
    /**
     * Called at the end of each commit with every revision published since the previous commit,
     * in increasing order (never empty).
     */
    void committed(List<RevisionEvents> changes);

    /**
     * The backend's contents were replaced and the store rebuilt from them
     * ({@link MvccStore#finishRestore}): the backend now holds every revision up to
     * {@code revision} (which may be above or below the last one {@link #committed} reported,
     * and its history may differ from what was reported), and the next call of
     * {@link #committed} starts after it. Changes published but not committed before the restore
     * were dropped and are never reported.
     */
    void restored(long revision);
}
