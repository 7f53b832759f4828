package io.etcdj.server.apply;

import io.etcdj.spi.store.ReadView;
import io.etcdj.spi.store.WriteBatch;
import io.etcdj.v2store.V2Service;
import java.nio.charset.StandardCharsets;

/**
 * Where the v2 store lives in the backend: its whole snapshot (etcd's v2 snapshot JSON) under one
 * key of the {@value #BUCKET} bucket, rewritten in the apply batch of every entry that changed it,
 * so it is exactly as applied at the backend's applied index. etcd keeps the v2 store only in
 * memory and in its snapshot files; one backend record keeps restart and snapshot install simple
 * here. Cost: a batch with a v2 change writes the whole v2 store, which is small in its intended
 * uses (discovery, membership, configuration) — a per-node layout is the way out if it is not.
 */
public final class V2Persistence {
    public static final String BUCKET = "v2";
    private static final byte[] KEY = "store".getBytes(StandardCharsets.UTF_8);

    private V2Persistence() {
    }

    static void write(WriteBatch batch, V2Service v2) {
        batch.put(BUCKET, KEY, v2.save());
    }

    /** Replaces the v2 store with the backend's (an empty store when the backend has none). */
    public static void load(ReadView view, V2Service v2) {
        byte[] saved = view.get(BUCKET, KEY);
        if (saved != null) {
            v2.recover(saved);
        } else {
            v2.recover(new V2Service(java.time.InstantSource.system()).save());
        }
    }
}
