package io.etcdj.mvcc;

/**
 * etcd's {@code HashKV} answer.
 *
 * @param hash            CRC-32C over the {@code "key"} bucket up to the revision (see {@link MvccStore#hashKV})
 * @param currentRevision the store's revision when hashed
 * @param compactRevision the compaction revision when hashed (-1 if never compacted)
 */
public record HashKV(int hash, long currentRevision, long compactRevision) {
}
