/**
 * The LMDB storage backend ({@code --store=lmdb}). See
 * {@link io.etcdj.store.lmdb.LmdbBackendProvider} for its settings and native library set-up.
 */
module io.etcdj.store.lmdb {
    requires io.etcdj.raft;
    requires lmdbjava;
    // jnr-ffi, under lmdbjava, generates its native bindings with ASM. Being an automatic module it
    // declares no dependencies, so without this nothing would resolve ASM for it on the module path.
    requires org.objectweb.asm;

    // Only the server's ServiceLoader reaches this module; it exports no API of its own.
    provides io.etcdj.spi.store.BackendProvider with io.etcdj.store.lmdb.LmdbBackendProvider;
}
