package io.etcdj.transport.http.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.etcdj.api.etcdserverpb.SnapshotResponse;
import io.etcdj.spi.server.SnapshotStream;
import io.etcdj.spi.server.StatusCode;
import java.io.IOException;

/**
 * {@code POST /v3/maintenance/snapshot}: the backend in etcd's chunks ({@code v3rpc/maintenance.go}):
 * {@value #CHUNK_BYTES} bytes each with {@code remaining_bytes} = database bytes still to come, then
 * the 32-byte SHA-256 with {@code remaining_bytes} 0.
 */
final class SnapshotGatewayStream implements GatewayStream {
    static final int CHUNK_BYTES = 32 * 1024;
    static final int CHECKSUM_BYTES = 32;

    private final SnapshotStream stream;
    private long databaseBytesLeft = -1;
    private boolean checksumSent;
    private GatewayFailure failure;

    SnapshotGatewayStream(SnapshotStream stream) {
        this.stream = stream;
    }

    @Override
    public Message poll() {
        if (failure != null || checksumSent) {
            return null;
        }
        try {
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
            checksumSent = true;
            return SnapshotResponse.newBuilder().setRemainingBytes(0).setBlob(read(CHECKSUM_BYTES)).build();
        } catch (IOException e) {
            failure = new GatewayFailure(StatusCode.UNKNOWN, String.valueOf(e.getMessage()));
            return null;
        }
    }

    /** Exactly {@code n} bytes, whatever sizes the stream reads in. */
    private ByteString read(int n) throws IOException {
        ByteString.Output out = ByteString.newOutput(n);
        while (out.size() < n) {
            byte[] part = stream.next(n - out.size());
            if (part.length == 0) {
                throw new IOException("snapshot ended " + (n - out.size()) + " bytes early");
            }
            out.write(part);
        }
        return out.toByteString();
    }

    @Override
    public boolean ended() {
        return failure != null || checksumSent;
    }

    @Override
    public GatewayFailure failure() {
        return failure;
    }

    @Override
    public void close() {
        stream.close();
    }
}
