package io.etcdj.store.lmdb;

import io.etcdj.spi.store.Backend;
import io.etcdj.spi.store.BackendConfig;
import io.etcdj.spi.store.BackendProvider;
import java.io.IOException;

/**
 * The LMDB backend, {@code --store=lmdb}: a copy-on-write B+tree in one memory-mapped file, the
 * closest relative of etcd's own bbolt.
 *
 * <h2>Layout</h2>
 * One LMDB environment in the backend directory ({@code data.mdb}, {@code lock.mdb}); each bucket
 * is a named database. Keys are 1 to 511 bytes ({@link Backend#MAX_KEY_BYTES}, LMDB's limit),
 * ordered by unsigned bytes (LMDB's default {@code memcmp}). A read view is a read transaction;
 * a batch is buffered in memory and applied in one write transaction at commit.
 *
 * <h2>Durability</h2>
 * The environment runs with {@code MDB_NOSYNC}: commits are written to the file but not fsynced
 * (the server's WAL is the durable record), and {@code sync()} fsyncs the file. LMDB keeps its
 * file consistent regardless, so a machine crash can lose the latest unsynced commits but never
 * leaves part of one. {@code close()} syncs.
 *
 * <h2>Settings ({@code --store-opt key=value})</h2>
 * <table>
 *   <caption>LMDB store options</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code map-size-bytes}</td><td>twice {@code --quota-backend-bytes}, at least 1 GiB</td>
 *       <td>size of the memory map, the largest the file can grow; a commit that needs more
 *       fails. The map is address space, not disk or memory: the file only grows as pages are
 *       written.</td></tr>
 *   <tr><td>{@code max-readers}</td><td>512</td>
 *       <td>reader table size: read views open at once, across the process</td></tr>
 * </table>
 * Unknown keys are rejected.
 *
 * <h2>Read views and space</h2>
 * An open read view pins the pages it sees, so LMDB cannot reuse them: long-lived views under
 * heavy writes make the file grow. Each view serialises its own reads; threads that read in
 * parallel should open a view each (views are cheap).
 *
 * <h2>Sizes and defragment</h2>
 * {@code dbSize} is the length of {@code data.mdb}; {@code dbSizeInUse} the pages held by the
 * databases. LMDB reuses free pages but never shrinks its file: {@code defragment()} writes a
 * compacted copy ({@code MDB_CP_COMPACT}) to {@code defrag.tmp/} and renames it over
 * {@code data.mdb}. It waits up to a minute for open read views to close and blocks all other
 * calls while it runs, as etcd's defragment does.
 *
 * <h2>Native library (what a launcher must do)</h2>
 * lmdbjava 0.9.3 binds LMDB with jnr-ffi. It loads the library named by the system property
 * {@code lmdbjava.native.lib} when set; otherwise it copies its bundled library (resource
 * {@code org/lmdbjava/native/x86_64-linux-gnu.so} in the {@code org.lmdbjava:native} jar, found
 * through the context class loader) into {@code java.io.tmpdir} (or {@code lmdbjava.extract.dir})
 * and loads that. The native jar cannot be a module ({@code native} is a keyword), so it only
 * works from the class path. The etcdj image instead extracts that {@code .so} into its
 * {@code lib/} directory and starts the JVM with {@code -Dlmdbjava.native.lib=<image>/lib/liblmdb.so}:
 * no temporary files, no system package. This module passes no buffers through {@code Unsafe},
 * so no {@code --add-opens} is needed; on JDK 22+ pass
 * {@code --enable-native-access=org.jnrproject.jffi} to silence the restricted-method warning.
 */
public final class LmdbBackendProvider implements BackendProvider {
    /** Does nothing, as {@link io.etcdj.spi.NamedProvider} requires; the native library loads at open. */
    public LmdbBackendProvider() {
    }

    @Override
    public String name() {
        return "lmdb";
    }

    @Override
    public String description() {
        return "LMDB (memory-mapped B+tree, named database per bucket)";
    }

    @Override
    public Backend open(BackendConfig config) throws IOException {
        return LmdbBackend.open(config);
    }
}
