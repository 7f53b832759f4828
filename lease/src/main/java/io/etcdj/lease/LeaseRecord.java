package io.etcdj.lease;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * One lease as stored in the {@code lease} bucket: etcd's {@code leasepb.Lease} message
 * ({@code int64 ID = 1; int64 TTL = 2; int64 RemainingTTL = 3;}), encoded as proto3 with zero
 * fields left out, which is byte for byte what etcd writes. The bucket key is the ID as 8 bytes
 * big-endian. Written by hand because the message is internal to etcd and not part of the api
 * module's wire contract.
 */
record LeaseRecord(long id, long ttl, long remainingTtl) {
    private static final int ID_FIELD = 1;
    private static final int TTL_FIELD = 2;
    private static final int REMAINING_TTL_FIELD = 3;

    static byte[] key(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }

    byte[] encode() {
        int size = sizeOf(ID_FIELD, id) + sizeOf(TTL_FIELD, ttl) + sizeOf(REMAINING_TTL_FIELD, remainingTtl);
        byte[] out = new byte[size];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            writeIfSet(stream, ID_FIELD, id);
            writeIfSet(stream, TTL_FIELD, ttl);
            writeIfSet(stream, REMAINING_TTL_FIELD, remainingTtl);
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: the array was sized for the message", e);
        }
        return out;
    }

    /** Decodes a stored value; unknown fields are skipped, as any proto3 reader does. */
    static LeaseRecord decode(byte[] value) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(value);
        long id = 0;
        long ttl = 0;
        long remaining = 0;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT
                        ? WireFormat.getTagFieldNumber(tag) : 0;
                if (field == ID_FIELD) {
                    id = in.readInt64();
                } else if (field == TTL_FIELD) {
                    ttl = in.readInt64();
                } else if (field == REMAINING_TTL_FIELD) {
                    remaining = in.readInt64();
                } else if (!in.skipField(tag)) {
                    break;  // an end-group tag: nothing of ours follows
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return new LeaseRecord(id, ttl, remaining);
    }

    private static int sizeOf(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeInt64Size(field, value);
    }

    private static void writeIfSet(CodedOutputStream stream, int field, long value) throws IOException {
        if (value != 0) {
            stream.writeInt64(field, value);
        }
    }
}
