package io.etcdj.transport.grpc;

import com.google.protobuf.ByteString;
import io.etcdj.api.etcdserverpb.SnapshotResponse;
import io.etcdj.spi.server.SnapshotStream;
import java.io.IOException;

/**
 * Cuts a {@link SnapshotStream} into the {@code SnapshotResponse}s etcd 3.4 sends
 * ({@code v3rpc/maintenance.go}): the database in chunks of exactly {@value #CHUNK_BYTES} bytes
 * (the last one shorter), each with {@code remaining_bytes} = database bytes still to come after it,
 * then one last message holding the 32-byte SHA-256 with {@code remaining_bytes} 0. No header.
 * Clients ({@code etcdctl snapshot save}) concatenate the blobs and check the trailing digest.
 */
final class SnapshotChunks implements ResponseSource<SnapshotResponse> {
    /** etcd's snapshotSendBufferSize. */
    static final int CHUNK_BYTES = 32 * 1024;
    /** The SHA-256 the stream ends with. */
    static final int CHECKSUM_BYTES = 32;

    private final SnapshotStream stream;
    private long databaseBytesLeft = -1;
    private boolean checksumSent;

    SnapshotChunks(SnapshotStream stream) {
        this.stream = stream;
    }

    @Override
    public SnapshotResponse next() throws IOException {
        if (databaseBytesLeft < 0) {
            long total = stream.remainingBytes();
            if (total < CHECKSUM_BYTES) {
                throw new IOException("snapshot of " + total + " bytes is shorter than its checksum");
            }
            databaseBytesLeft = total - CHECKSUM_BYTES;
        }
        if (databaseBytesLeft > 0) {
            ByteString blob = read((int) Math.min(CHUNK_BYTES, databaseBytesLeft));
            databaseBytesLeft -= blob.size();
            return SnapshotResponse.newBuilder().setRemainingBytes(databaseBytesLeft).setBlob(blob).build();
        }
        if (!checksumSent) {
            checksumSent = true;
            return SnapshotResponse.newBuilder().setRemainingBytes(0).setBlob(read(CHECKSUM_BYTES)).build();
        }
        return null;
    }

    /** Exactly {@code n} bytes, as etcd's io.ReadFull: chunk boundaries do not depend on how the stream reads. */
    private ByteString read(int n) throws IOException {
        ByteString out = ByteString.EMPTY;
        while (out.size() < n) {
            byte[] part = stream.next(n - out.size());
            if (part.length == 0) {
                throw new IOException("snapshot ended " + (n - out.size()) + " bytes early");
            }
            out = out.concat(ByteString.copyFrom(part));
        }
        return out;
    }

    @Override
    public boolean ended() {
        return checksumSent;
    }

    @Override
    public void close() {
        stream.close();
    }
}
