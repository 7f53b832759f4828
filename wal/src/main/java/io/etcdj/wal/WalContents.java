package io.etcdj.wal;

import io.etcdj.api.raftpb.Entry;
import io.etcdj.api.raftpb.HardState;
import io.etcdj.api.raftpb.SnapshotMetadata;
import java.util.List;

/**
 * What {@link Wal#open} read back.
 *
 * @param metadata          the bytes given to {@link Wal#create} (a fresh copy owned by the caller)
 * @param lastSnapshot      the last snapshot mark saved, or null if none was ever saved
 * @param hardState         the last hard state saved, or {@code HardState.getDefaultInstance()} if none
 * @param entries           the log after {@code lastSnapshot}: consecutive indexes starting at
 *                          {@code lastSnapshot.index + 1} (at 1 without a mark), with Raft overwrite
 *                          semantics applied (an entry at index i superseded every entry written
 *                          earlier at an index &gt;= i). Unmodifiable.
 * @param repairedTailBytes bytes cut from the end of the last segment by torn-tail repair (0 if none);
 *                          nothing in them can have been synced (see the package documentation)
 */
public record WalContents(byte[] metadata, SnapshotMetadata lastSnapshot, HardState hardState, List<Entry> entries,
        long repairedTailBytes) {
}
