/**
 * The write-ahead log (WAL): etcdj's durable record of Raft state. Modelled on etcd's {@code wal}
 * package, with its own (simpler) format: per-record CRC32C instead of a chained CRC, no CRC records,
 * and snapshot mark and hard state repeated at the head of every segment.
 *
 * <h2>Directory</h2>
 * A WAL is a directory of segment files named {@code %016x-%016x.wal} (lower-case hex): the segment's
 * sequence number (0, 1, 2, ... without gaps) and its <i>first index</i>, one more than the last raft
 * index recorded before the segment was started (the last entry written, or the last snapshot mark if
 * that is higher). Every entry of an earlier segment that is still in effect is below the first index
 * of the next segment; {@link io.etcdj.wal.Wal#releaseTo} relies on this. The first segment is
 * {@code 0000000000000000-0000000000000001.wal}.
 * <ul>
 * <li>A segment is created complete: written as {@code <name>.wal.tmp}, synced, renamed, and the
 *     directory synced. Leftover {@code .wal.tmp} files (a crash while starting a segment) are deleted
 *     by {@code open}.</li>
 * <li>Other file names are ignored (a name ending in {@code .wal} that does not match the pattern
 *     exactly is logged as a warning), so the directory may hold unrelated files.</li>
 * <li>No preallocation: a segment grows with each append. Once it holds at least
 *     {@link io.etcdj.wal.WalOptions#segmentSizeBytes()} bytes the next append starts a new segment; a
 *     batch is never split, so a segment can exceed the limit by one batch.</li>
 * </ul>
 *
 * <h2>Segment file</h2>
 * All integers are little-endian.
 * <pre>
 * offset  size  field
 *      0     4  magic: ASCII "EJWL" (45 4A 57 4C)
 *      4     4  format version: u32 = 1
 *      8     -  records, each starting at a multiple of 8 from the start of the file
 * </pre>
 * The first records of a segment (its <i>head</i>) are METADATA, then the latest SNAPSHOT mark (if
 * any was saved), then the latest STATE (if any non-empty one was saved): a segment never depends on
 * an older one, so old segments can be deleted.
 *
 * <h2>Record</h2>
 * <pre>
 * offset  size  field
 *      0     4  crc: u32 CRC32C (Castagnoli, as java.util.zip.CRC32C) of bytes 4 .. end of padding
 *      4     4  length N of the payload: u32, at most 2^30
 *      8     1  type: 1 METADATA, 2 ENTRY, 3 STATE, 4 SNAPSHOT
 *      9     3  reserved, zero
 *     12     N  payload
 *   12+N     P  zero padding, P = 0..7, so the record is a multiple of 8 bytes long
 * </pre>
 * The CRC covers the length, type and reserved bytes, the payload and the padding: every byte of the
 * record but the CRC itself. An all-zero header is never valid (the CRC of those 8 zero bytes is not
 * zero, and type 0 does not exist).
 * <ul>
 * <li>METADATA: the opaque bytes given to {@link io.etcdj.wal.Wal#create} (e.g. member and cluster
 *     id). The first record of every segment, identical in all of them, and nowhere else.</li>
 * <li>ENTRY: a serialized {@code raftpb.Entry}.</li>
 * <li>STATE: a serialized {@code raftpb.HardState}; the last one in the log wins.</li>
 * <li>SNAPSHOT: a serialized {@code raftpb.SnapshotMetadata} (index, term, ConfState): a mark that a
 *     snapshot at that index is durable elsewhere.</li>
 * </ul>
 *
 * <h2>Reading</h2>
 * Records are replayed oldest first. An ENTRY at index i supersedes every entry written earlier at an
 * index &gt;= i (Raft truncation); it must be at most one past the last index recorded (else entries
 * are missing) and above the last snapshot mark. A SNAPSHOT mark drops the entries at or below its
 * index. {@code open} returns the last mark, the last hard state, and the entries above the mark,
 * which must start right after it.
 *
 * <h2>Durability</h2>
 * <ul>
 * <li>{@link io.etcdj.wal.Wal#save} writes one batch with one write call and does not sync: its data
 *     may be lost (wholly or a suffix of it) by a crash until {@code sync} returns.</li>
 * <li>{@link io.etcdj.wal.Wal#sync} is one {@code FileChannel.force(false)} (fdatasync) of the tail
 *     segment; afterwards every earlier save is durable. Group commit: save several batches, sync
 *     once. A sync with nothing written since the last one does nothing.</li>
 * <li>{@link io.etcdj.wal.Wal#saveSnapshot} writes the mark and syncs.</li>
 * <li>Starting a segment syncs the finished tail, then the new segment, then the directory; creating
 *     the WAL syncs the segment, the directory and its parent. {@link io.etcdj.wal.Wal#releaseTo}
 *     syncs the directory after deleting. {@link io.etcdj.wal.Wal#close} syncs.</li>
 * </ul>
 *
 * <h2>Damage and repair</h2>
 * A record is <i>intact</i> if it lies within the file and its CRC matches. Reading a segment stops at
 * its first record that is not intact:
 * <ul>
 * <li>In any segment but the last, that is corruption.</li>
 * <li>In the last segment it is a <i>torn tail</i> (an append interrupted by a crash) if no intact
 *     record follows it, e.g. a record running past the end of the file, a CRC failure at the end, or
 *     followed only by zeros or garbage; or if between it and the next intact record lies an
 *     all-zero (never written) 512-byte sector. A never-written sector proves no sync covered it, and a
 *     sync persists every earlier write, so nothing after it was acknowledged; this covers a batch
 *     whose sectors reached the disk out of order. {@code open} truncates the segment at the damaged
 *     record, syncs it, logs a warning with the number of bytes cut, and reports it in
 *     {@link io.etcdj.wal.WalContents#repairedTailBytes()}.</li>
 * <li>Otherwise (a damaged record followed by intact data with no unwritten sector between, e.g. a
 *     flipped byte) it is corruption. The METADATA record heading a segment is never treated as torn.</li>
 * </ul>
 * An intact record that cannot have been written by this WAL (unknown type, non-zero reserved bytes,
 * an undecodable payload, a METADATA differing from the first segment's, missing entries, a mark
 * below an earlier one), a gap in segment sequence numbers, or a segment name inconsistent with the
 * segments before it, is corruption too. Corruption throws {@link io.etcdj.wal.WalCorruptException}
 * naming the file and the byte offset of the record ({@code wal: corrupt record in <file> at offset N:
 * crc mismatch}) and changes nothing on disk. Known limit: a damaged record whose own payload contains
 * 512 aligned zero bytes can be taken for a torn write, as in etcd.
 */
package io.etcdj.wal;
