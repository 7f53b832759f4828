package io.etcdj.mvcc;

import java.util.ArrayList;
import java.util.List;

/** A {@link CommitListener} that records what it hears, for tests (writer thread only). */
final class RecordingListener implements CommitListener {
    final List<RevisionEvents> committed = new ArrayList<>();
    final List<Long> restored = new ArrayList<>();

    @Override
    public void committed(List<RevisionEvents> changes) {
        committed.addAll(changes);
    }

    @Override
    public void restored(long revision) {
        restored.add(revision);
    }
}
