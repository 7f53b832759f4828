package io.etcdj.mvcc.watch;

import static io.etcdj.mvcc.watch.WatchFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
    private static final ByteString NUL = ByteString.copyFrom(new byte[] {0});

    @Test
    void readsRequestsAsEtcd34() {
        assertEquals(new KeyRange(b("a"), null), KeyRange.fromRequest(b("a"), ByteString.EMPTY));
        assertEquals(new KeyRange(NUL, null), KeyRange.fromRequest(ByteString.EMPTY, ByteString.EMPTY), "empty key: \\0");
        assertEquals(new KeyRange(b("a"), ByteString.EMPTY), KeyRange.fromRequest(b("a"), NUL), "\\0: from the key on");
        assertEquals(new KeyRange(NUL, ByteString.EMPTY), KeyRange.fromRequest(ByteString.EMPTY, NUL), "every key");
        assertEquals(new KeyRange(b("a"), b("b")), KeyRange.fromRequest(b("a"), b("b")));
        assertNull(KeyRange.fromRequest(b("b"), b("a")));
        assertNull(KeyRange.fromRequest(b("b"), b("b")));
        assertEquals(new KeyRange(NUL, b("a")), KeyRange.fromRequest(ByteString.EMPTY, b("a")));
    }

    @Test
    void containsInUnsignedByteOrder() {
        KeyRange single = new KeyRange(b("a"), null);
        assertTrue(single.contains(b("a")));
        assertFalse(single.contains(b("a0")));
        KeyRange range = new KeyRange(b("a"), ByteString.copyFrom(new byte[] {(byte) 0xff}));
        assertTrue(range.contains(ByteString.copyFrom(new byte[] {(byte) 0x80})), "0x80 sorts above 'a' unsigned");
        assertFalse(range.contains(ByteString.copyFrom(new byte[] {(byte) 0xff})), "the end is exclusive");
        assertFalse(range.contains(b("0")));
        KeyRange fromKey = new KeyRange(b("m"), ByteString.EMPTY);
        assertTrue(fromKey.contains(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})));
        assertTrue(fromKey.contains(b("m")));
        assertFalse(fromKey.contains(b("l")));
    }
}
