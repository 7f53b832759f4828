package io.etcdj.mvcc;

import java.util.List;

/**
 * Told of the changes a {@link MvccStore#commit} wrote to the backend (see
 * {@link MvccStore#setCommitListener}).
 *
 * <p>Called on the store's writer thread at the end of the commit, with every revision published
 * since the previous commit in increasing order (never empty). It delays the writer, so it must
 * not block; it must not call the store's writer methods.
 */
@FunctionalInterface
public interface CommitListener {
    void committed(List<RevisionEvents> changes);
}
