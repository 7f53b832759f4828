/**
 * The write-ahead log: etcdj's durable record of Raft entries, hard state and snapshot marks.
 * See the {@code io.etcdj.wal} package documentation for the on-disk format.
 */
module io.etcdj.wal {
    // Transitive: the public API speaks io.etcdj.api.raftpb types (Entry, HardState, SnapshotMetadata).
    requires transitive io.etcdj.raft;

    exports io.etcdj.wal;
}
