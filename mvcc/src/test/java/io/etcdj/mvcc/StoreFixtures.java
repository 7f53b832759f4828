package io.etcdj.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.api.mvccpb.KeyValue;
import java.util.List;

/** Small helpers for store tests. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Puts in a transaction of its own; returns the revision. */
    static long put(MvccStore store, String key, String value) {
        return put(store, key, value, 0);
    }

    static long put(MvccStore store, String key, String value, long lease) {
        try (WriteTxn txn = store.beginWrite()) {
            long rev = txn.put(b(key), b(value), lease);
            txn.end();
            return rev;
        }
    }

    /** Deletes {@code [key, end)} ({@code end} null: just key) in a transaction of its own. */
    static DeleteResult delete(MvccStore store, String key, String end) {
        try (WriteTxn txn = store.beginWrite()) {
            DeleteResult result = txn.deleteRange(b(key), end == null ? null : b(end), true);
            txn.end();
            return result;
        }
    }

    static KeyValue get(MvccStore store, String key, long atRevision) {
        List<KeyValue> kvs = store.range(b(key), null, atRevision, 0).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    static KeyValue kv(String key, String value, long create, long mod, long version, long lease) {
        return KeyValue.newBuilder().setKey(b(key)).setValue(b(value)).setCreateRevision(create)
                .setModRevision(mod).setVersion(version).setLease(lease).build();
    }

    static List<String> keys(RangeResult result) {
        return result.kvs().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }
}
